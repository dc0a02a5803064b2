// The two SMS we send, word for word as PRODUCT.md gives them.
import type { Catalogue } from '#catalogue/index'
import type { QueryResults } from '#ports'
import { chinaMonthDay } from './china-time'

export const DEFAULT_SIGNATURE = '【一证通查】'

export function codeSmsText (code: string, signature = DEFAULT_SIGNATURE): string {
  return `${signature}您的验证码为${code}，5分钟内有效，请勿泄露。`
}

/** Apps in catalogue (SMS) order; an app without a count reads "暂无法查询", never "0个". */
export function resultSmsText (input: {
  catalogue: Catalogue
  phone: string
  results: QueryResults
  processedAt: number
  signature?: string
}): string {
  const parts = input.catalogue.apps.map(app => {
    const n = input.results[app.id]
    return typeof n === 'number' ? `${app.label}${n}个` : `${app.label}暂无法查询`
  })
  const tail = input.phone.slice(-4)
  return `${input.signature ?? DEFAULT_SIGNATURE}截至${chinaMonthDay(input.processedAt)}，您名下尾号为${tail}的电话卡所注册的互联网账号如下：${parts.join('、')}。`
}
