// National scale end to end on DynamoDB Local: a query over a 200-app catalogue gets the summary-form
// SMS, and the result code it carries opens the counts per app (查看明细) for 24 hours.
import { catalogue as demoCatalogue } from '../../src/catalogue/index'
import { FULL_FORM_MAX_CHARS, renderSms, resultSms, smsTemplates } from '../../src/domain/sms-templates'
import { appCountText } from '../../src/contract/details'
import { segments } from '../../scripts/sms-templates'
import { bigCatalogue, bigCatalogueFile } from '../support/big-catalogue'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const DAY = 24 * 3600_000
const SUMMARY = /^【一证通查】截至\d+月\d+日，您名下尾号为5551的电话卡在已接入的200个互联网应用中，(\d+)个应用注册了账号，共(\d+)个；(\d+)个应用暂无法查询。明细请在“一证通查”小程序输入结果码([A-Z2-9]{8})查看，24小时内有效，请勿告诉他人。$/

let sys: TestSystem
afterEach(async () => { await sys?.stop() })

const bigSystem = (apps = 200) => startTestSystem({ env: { ENTERPRISES_FILE: bigCatalogueFile(apps) } })

async function queryAndReadSms (): Promise<{ queryId: string, text: string }> {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })
  expect(res.status).toBe(202)
  const text = await waitFor(() => sys.sms.all().find(m => m.to === ALICE.phone && m.text.includes('截至'))?.text, 'result SMS', 30_000)
  return { queryId: res.body.queryId, text }
}

test('a 200-app query: the summary SMS (≤ 3 segments) and its code opens the same figures the full form would carry', async () => {
  sys = await bigSystem()
  const { queryId, text } = await queryAndReadSms()
  const m = SUMMARY.exec(text)
  expect(m).not.toBeNull()
  expect(segments(text.length)).toBeLessThanOrEqual(3)
  const resultCode = m![4]!

  // the code is stored only as a keyed hash, beside the query it is bound to, in the codes table
  const tables = await sys.dump()
  expect(JSON.stringify(tables)).not.toContain(resultCode)
  const codeItems = tables.VerificationCodes!.filter(i => String(i.pk).startsWith('result#'))
  expect(codeItems).toEqual([expect.objectContaining({ queryId, validUntil: expect.any(Number) })])

  const res = await call(sys.url, 'POST', '/v1/query-details', { phone: ALICE.phone, resultCode })
  expect(res.status).toBe(200)
  expect(res.body.maskedPhone).toBe('138****5551')
  expect(res.body.apps).toHaveLength(200)
  // the demo enterprises answer (Alice's seeded counts); the generated ones have no endpoint: 暂无法查询
  const big = bigCatalogue(200)
  expect(res.body.apps.map((a: { appId: string }) => a.appId)).toEqual(big.apps.map(a => a.id))
  const byId = Object.fromEntries(res.body.apps.map((a: { appId: string, count: number | null }) => [a.appId, a.count]))
  expect(demoCatalogue.apps.map(a => byId[a.id])).toEqual([1, 1, 0, 1, 0, 2, 1, 1, 0, 0, 1])
  expect(res.body.apps.filter((a: { count: unknown }) => a.count === null)).toHaveLength(189)
  expect(res.body.apps[0]).toEqual({ appId: 'xianyu', label: '闲鱼账号', count: 1 })

  // the same figures as the SMS totals, and as the full form would carry them
  const counts = res.body.apps.map((a: { count: number | null }) => a.count).filter((n: number | null): n is number => n !== null)
  expect(Number(m![1])).toBe(counts.filter((n: number) => n > 0).length)
  expect(Number(m![2])).toBe(counts.reduce((a: number, b: number) => a + b, 0))
  expect(Number(m![3])).toBe(189)
  // per app, the full form's own words: "N个" or "暂无法查询"
  const results = Object.fromEntries(res.body.apps.map((a: { appId: string, count: number | null }) => [a.appId, a.count ?? 'unavailable' as const]))
  const full = resultSms({ catalogue: big, phone: ALICE.phone, results, processedAt: sys.clock.now() })
  expect(res.body.apps.map(appCountText)).toEqual(big.apps.map(a => `${a.label} ${full.params[a.id]}`))
  expect(renderSms(smsTemplates(big), full).length).toBeGreaterThan(FULL_FORM_MAX_CHARS)

  // lower case and spaces as typed off the SMS still open it
  const typed = await call(sys.url, 'POST', '/v1/query-details', { phone: '138 0000 5551', resultCode: ` ${resultCode.toLowerCase().slice(0, 4)} ${resultCode.slice(4)}` })
  expect(typed.status).toBe(200)

  // 24 hours later the code opens nothing, with the same answer as a wrong code
  sys.clock.advance(DAY + 1000)
  const expired = await call(sys.url, 'POST', '/v1/query-details', { phone: ALICE.phone, resultCode })
  expect(expired.status).toBe(401)
  expect(expired.body.error.code).toBe('CODE_INVALID')
}, 60_000)

test('the seed catalogue keeps the full form: no result code is written', async () => {
  sys = await startTestSystem()
  const { text } = await queryAndReadSms()
  expect(text).toContain('所注册的互联网账号如下：闲鱼账号1个')
  expect(text).not.toContain('结果码')
  const tables = await sys.dump()
  expect(tables.VerificationCodes!.filter(i => String(i.pk).startsWith('result#'))).toEqual([])
}, 60_000)

test('completing a summary-form query is still one transaction: the same DynamoDB requests as a full-form one', async () => {
  const requests = async (system: TestSystem) => {
    sys = system
    await queryAndReadSms()
    // settle the delivery, then count only what processing wrote
    return { ...sys.ddbCalls }
  }
  const small = await requests(await startTestSystem())
  await sys.stop()
  const large = await requests(await bigSystem())
  expect(large.TransactWriteCommand).toBe(small.TransactWriteCommand)
}, 90_000)
