// What the result SMS must say for a seed: written independently of the back end's text builder,
// from the product brief's wording, the catalogue's order and the seed's bindings and faults.
import fs from 'node:fs'
import path from 'node:path'
import { REPO } from './runtime.mjs'

const catalogue = JSON.parse(fs.readFileSync(path.join(REPO, 'functions/src/catalogue/enterprises.json'), 'utf8'))

/** "截至M月D日" in China time (UTC+8), no leading zeros. */
export function chinaDate (iso) {
  const d = new Date(Date.parse(iso) + 8 * 3600_000)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

export function expectedResultSms (seed, phone, nowIso) {
  const bindings = seed.bindings[phone] ?? {}
  const parts = catalogue.enterprises.flatMap(e => e.apps.map(a => {
    // an enterprise that always fails answers nothing: "unavailable", never "0个"
    const down = (seed.faults?.[e.id]?.failRate ?? 0) >= 1
    return down ? `${a.label}暂无法查询` : `${a.label}${bindings[a.id] ?? 0}个`
  }))
  return `【一证通查】截至${chinaDate(nowIso)}，您名下尾号为${phone.slice(-4)}的电话卡所注册的互联网账号如下：${parts.join('、')}。`
}

export const appCount = catalogue.enterprises.reduce((n, e) => n + e.apps.length, 0)
export const enterpriseCount = catalogue.enterprises.length
