// An enterprise outage on the running system (DynamoDB Local, mocked enterprises over HTTP, faults set
// through POST /dev/faults): the circuit breaker opens, later queries do not ask the enterprise and
// read 暂无法查询 for its apps (never 0个), and a probe closes the breaker once it has recovered.
// Outcomes only; how long things take is the bench's business.
import { EnterpriseBreakers } from '../../src/domain/breaker'
import { POLICY } from '../../src/domain/policy'
import { DynamoBreakerStore } from '../../src/adapters/dynamo/breaker-store'
import { tableNames } from '../../src/adapters/dynamo/client'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const RULES = POLICY.enterprise.breaker
const PHONES = Array.from({ length: 12 }, (_, i) => `1390000${String(1000 + i)}`)
const ENTERPRISE_IDS = ['alibaba', 'alipay', 'douyin', 'baidu', 'jd', 'meituan', 'kuaishou', 'tencent']

let sys: TestSystem
let next = 0
beforeEach(async () => {
  next = 0
  sys = await startTestSystem({ seed: { subscribers: PHONES.map(phone => ({ phone, idSuffix: '000000', status: 'active' })) } })
})
afterEach(async () => { await sys?.stop() })

const setFaults = async (faults: Record<string, object>) =>
  expect((await call(sys.url, 'POST', '/dev/faults', faults)).status).toBe(200)

/** one whole query for a fresh number: its result SMS */
async function query (): Promise<string> {
  const phone = PHONES[next++]!
  const code = await requestCodeAndRead(sys, phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { phone, idSuffix: '000000', code, consent: true })
  expect(res.status).toBe(202)
  await waitFor(async () => ['SENT', 'DELIVERED'].includes((await call(sys.url, 'GET', `/v1/queries/${res.body.queryId}`)).body.status), 'result SMS', 30_000)
  return sys.sms.all().find(m => m.to === phone && m.text.includes('截至'))!.text
}

/** the shared state as another Lambda container reaches it */
const sharedStore = () => new DynamoBreakerStore(sys.runtime.doc, { ...tableNames(), enterpriseHealth: sys.table('EnterpriseHealth') })

/** the breaker's memory as a new container would find it: only the shared table */
async function freshContainerVerdict (enterpriseId: string) {
  const container = new EnterpriseBreakers(sys.clock, sharedStore(), ENTERPRISE_IDS)
  await container.refresh()
  return container.admit(enterpriseId)
}

test('a hung enterprise: after the breaker opens a query does not wait for it, reads 暂无法查询 for its app, and other containers know', async () => {
  await setFaults({ jd: { latencyMs: 10_000 } }) // far past the 2 s deadline: hung as far as we can tell
  // the failures that open the breaker, at once (each waits out the deadline twice)
  const opening = await Promise.all(Array.from({ length: RULES.failuresToOpen }, () => query()))
  for (const text of opening) expect(text).toContain('京东平台账号暂无法查询')
  expect(sys.runtime.breakers.state('jd').mode).toBe('open')
  const askedWhileOpening = sys.mock.served.jd

  const text = await query()
  expect(sys.mock.served.jd).toBe(askedWhileOpening) // not asked: nothing to wait for
  expect(text).toContain('京东平台账号暂无法查询')
  expect(text).not.toMatch(/京东平台账号\d+个/)
  expect(text).toMatch(/美团平台账号\d+个/) // the others are counted as usual
  expect(await freshContainerVerdict('jd')).toBe('skip')
  expect(await freshContainerVerdict('meituan')).toBe('call')
}, 60_000)

test('a failing enterprise opens its breaker; after recovery one probe closes it and its apps are counted again', async () => {
  await setFaults({ tencent: { failRate: 1 } })
  for (let i = 0; i < RULES.failuresToOpen; i++) expect(await query()).toContain('QQ账号暂无法查询、微信账号暂无法查询')
  const asked = sys.mock.served.tencent!
  expect(await query()).toContain('QQ账号暂无法查询、微信账号暂无法查询')
  expect(sys.mock.served.tencent).toBe(asked)

  // still down when the open period ends: one probe, one try, open again
  sys.clock.advance(RULES.openMs)
  expect(await query()).toContain('QQ账号暂无法查询、微信账号暂无法查询')
  expect(sys.mock.served.tencent).toBe(asked + 1)
  expect(sys.runtime.breakers.state('tencent').mode).toBe('open')

  // recovered: the next probe succeeds, the breaker closes here and in the shared table
  await setFaults({ tencent: { failRate: 0 } })
  sys.clock.advance(RULES.openMs)
  const probed = await query()
  expect(probed).toMatch(/QQ账号\d+个、微信账号\d+个/)
  expect(sys.runtime.breakers.state('tencent')).toEqual({ mode: 'closed', failures: 0 })
  expect(await freshContainerVerdict('tencent')).toBe('call')
  expect((await sys.dump()).EnterpriseHealth).toEqual([])
  expect(await query()).toMatch(/QQ账号\d+个、微信账号\d+个/)
  expect(sys.mock.served.tencent).toBe(asked + 3)
}, 60_000)

test('a breaker opened by another container is honoured here: the enterprise is not asked', async () => {
  await sharedStore().open('baidu', sys.clock.now() + RULES.openMs, sys.clock.now())
  const text = await query()
  expect(sys.mock.served.baidu).toBeUndefined()
  expect(text).toContain('百度平台账号暂无法查询')
}, 60_000)
