// 查看明细: the counts per app of a summary-form result SMS, opened with the number and the result
// code the SMS carried (PRODUCT.md "Coverage at national scale"). Shared with the mini-program (zod/mini).
import * as z from 'zod/mini'
import { Phone } from './index'

/** the ticket alphabet (contract/cases TICKET_ALPHABET, not imported: the cases contract is the case subpackage's) */
export const RESULT_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
export const RESULT_CODE_PATTERN = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/

/** typed off an SMS: spaces, full-width letters and lower case are folded; 0/O and 1/I/L are not in the alphabet */
export function normaliseResultCode (input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase()
}

export const ResultCode = z.pipe(
  z.string('请输入短信中的8位结果码').check(z.maxLength(32, '请输入短信中的8位结果码')),
  z.pipe(z.transform(normaliseResultCode), z.string().check(z.regex(RESULT_CODE_PATTERN, '结果码为短信中的8位字母或数字')))
)

export const QueryDetailsRequest = z.strictObject({ phone: Phone, resultCode: ResultCode })
export type QueryDetailsRequest = z.output<typeof QueryDetailsRequest>

export const AppCount = z.object({
  appId: z.string(),
  /** the app's SMS label (淘宝账号) */
  label: z.string(),
  /** null: the enterprise could not be asked (暂无法查询), never 0 */
  count: z.nullable(z.number())
})
export type AppCount = z.infer<typeof AppCount>

export const QueryDetailsResponse = z.object({
  maskedPhone: z.string(),
  apps: z.array(AppCount)
})
export type QueryDetailsResponse = z.infer<typeof QueryDetailsResponse>

export const QUERY_DETAILS_PATH = '/v1/query-details'

/** one line of the page, as the full-form SMS would say it: 淘宝账号 1个, or 暂无法查询 */
export function appCountText (app: AppCount): string {
  return app.count === null ? `${app.label} 暂无法查询` : `${app.label} ${app.count}个`
}
