// A catalogue of N enterprises and A apps, Chinese-looking and deterministic, for the national-scale
// bench, the local runtime (`npm start -- --seed FILE`) and the infra tests (a 200-app document).
//   npx tsx scripts/generate-catalogue.ts [--enterprises 60] [--apps 200] [--out FILE] [--seed]
// --seed writes a seed file for the local runtime (the document under `enterprises`, a few subscribers
// and bindings); without it, the enterprise configuration document alone.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import type { EnterpriseDocument, EnterpriseEntry } from '#infra-shared/enterprise-document'

const FIRST = [...'云智快乐易优掌微星品趣拍速享好美米卡途蜂鲸橙竹墨风岚晴象鹿'] as const
const SECOND = [...'购聊行游付读听看约办学搜租借送修旅家医车课票餐剪播记'] as const
const KINDS = ['科技', '网络', '信息', '数字'] as const

/** the i-th two-character name: distinct for i < FIRST.length × SECOND.length (784), neighbours differ in both characters */
function name (i: number): string {
  return FIRST[i % FIRST.length]! + SECOND[(i + Math.floor(i / FIRST.length)) % SECOND.length]!
}

/** apps spread over the enterprises as evenly as they go: the first A mod N get one more */
export function generateCatalogue (enterprises: number, apps: number): EnterpriseDocument {
  if (!(Number.isInteger(enterprises) && enterprises >= 1 && Number.isInteger(apps) && apps >= enterprises && apps <= FIRST.length * SECOND.length)) {
    throw new Error(`need 1 ≤ enterprises ≤ apps ≤ ${FIRST.length * SECOND.length}, got ${enterprises} / ${apps}`)
  }
  const out: EnterpriseEntry[] = []
  let next = 0
  for (let e = 0; e < enterprises; e++) {
    const id = `ent${String(e + 1).padStart(3, '0')}`
    const count = Math.floor(apps / enterprises) + (e < apps % enterprises ? 1 : 0)
    const appNames = Array.from({ length: count }, () => name(next++))
    const enterpriseName = `${name(e * 7 + 3)}${KINDS[e % KINDS.length]}`
    out.push({
      id,
      name: enterpriseName,
      accountMode: e % 5 === 0 ? 'unified' : 'independent',
      // app ids are SMS template parameters ({\w+}): letters and digits only
      apps: appNames.map((n, i) => ({ id: `${id}app${i + 1}`, label: `${n}账号` })),
      guide: {
        details: [`打开${appNames.join('、')}App，用该手机号通过短信验证码登录，登录成功即说明存在绑定此号码的账号`, '我的 → 设置 → 账号与安全，可查看绑定手机与登录设备'],
        unbind: ['设置 → 账号与安全 → 手机号 → 更换手机号；不再使用的账号可在 设置 → 账号与安全 → 注销账号 中注销', '无法登录时，联系客服并按要求完成身份核验后由客服协助解绑'],
        hotline: `400-${String(800 + (e % 200)).padStart(3, '0')}-${String(1000 + e * 37 % 9000).padStart(4, '0')}`,
        url: `https://www.${id}.example.cn`,
        ...(e % 5 === 0 && { notes: `${enterpriseName}旗下各App共用一个账号，处理一次即可。` })
      }
    })
  }
  return { enterprises: out }
}

/** a seed for `npm start -- --seed`: the document, three demo subscribers and some bindings across it */
export function generateSeed (doc: EnterpriseDocument): Record<string, unknown> {
  const apps = doc.enterprises.flatMap(e => e.apps.map(a => a.id))
  const phones = ['13800005551', '13900006662', '13700007773']
  const bindings = Object.fromEntries(phones.map((phone, p) => [phone, Object.fromEntries(apps.filter((_, i) => (i + p) % 7 === 0).map((id, i) => [id, 1 + (i % 3)]))]))
  return {
    enterprises: doc,
    subscribers: [
      { phone: '13800005551', idSuffix: '12345X', status: 'active' },
      { phone: '13900006662', idSuffix: '234561', status: 'active' },
      { phone: '13700007773', idSuffix: '345672', status: 'active' }
    ],
    bindings
  }
}

function main (): void {
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: '60' },
      apps: { type: 'string', default: '200' },
      out: { type: 'string' },
      seed: { type: 'boolean', default: false }
    }
  })
  const doc = generateCatalogue(Number(values.enterprises), Number(values.apps))
  const text = JSON.stringify(values.seed ? generateSeed(doc) : doc, null, 2) + '\n'
  if (values.out) {
    fs.writeFileSync(path.resolve(values.out), text)
    console.log(`${values.out}: ${doc.enterprises.length} enterprises, ${doc.enterprises.reduce((n, e) => n + e.apps.length, 0)} apps, ${Buffer.byteLength(text)} bytes`)
  } else {
    process.stdout.write(text)
  }
}

if (require.main === module) main()
