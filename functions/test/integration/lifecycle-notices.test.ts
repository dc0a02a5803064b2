// Release notices: every enterprise hears of a released number over the signed channel, confirms
// with its own key, and readiness names whoever has not; the clear number lives only until delivery.
import { LIFECYCLE_PATHS, noticeCallbackPath } from '../../src/contract/lifecycle'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { catalogue } from '../../src/catalogue/index'
import { deliverNotice } from '../../src/domain/lifecycle'
import { carrierKey, enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { call, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR
const master = DEV_SECRETS.enterpriseKey
let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys?.stop() })

let seq = 0
function signedCall (caller: string, key: string, method: string, path: string, body?: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body)
  sys.clock.advance(1)
  return call(sys.url, method, path, body === undefined ? undefined : text, signedRequestHeaders(caller, key, method, path, text, sys.clock.now()))
}
const cancel = (phone: string) => signedCall('cmcc', carrierKey(master, 'cmcc'), 'POST', LIFECYCLE_PATHS.numberEvents,
  { events: [{ eventId: `n${++seq}`, phone, type: 'CANCELLED', effectiveAt: new Date(sys.clock.now()).toISOString() }] })
const readiness = (phone: string) => signedCall('cmcc', carrierKey(master, 'cmcc'), 'GET', LIFECYCLE_PATHS.readiness(phone))
// the demo seed releases 18900002222 on 2026-05-01: these tests look at their own releases only
const SEED_RELEASE = Date.parse('2026-05-01T00:00:00+08:00')
const notices = async () => (await sys.dump()).NumberNotices!.filter(n => n.effectiveAt !== SEED_RELEASE)
const confirm = (enterprise: string, noticeId: string, body: unknown = { bindingsRemoved: 1, bindingsFrozen: 0 }) =>
  signedCall(enterprise, enterpriseKey(master, enterprise), 'POST', noticeCallbackPath(noticeId), body)

test('a release reaches all 8 enterprises once; confirmations clear them from readiness; the number is gone from every notice', async () => {
  sys.mock.setFaults('baidu', { noticeOutcome: 'never' })
  expect((await cancel('13800005551')).body.results[0].outcome).toBe('APPLIED')
  await waitFor(async () => (await notices()).filter(n => n.status === 'CONFIRMED').length === 7 || undefined, '7 confirmations')
  const all = await notices()
  expect(all).toHaveLength(8)
  const noticeId = all[0]!.noticeId as string
  expect(Object.keys(sys.mock.notices).sort()).toEqual(catalogue.enterprises.map(e => e.id).sort())
  for (const seen of Object.values(sys.mock.notices)) expect(seen[noticeId]).toBe(1)
  expect(all.find(n => n.enterpriseId === 'baidu')!.status).toBe('DELIVERED')
  expect(JSON.stringify(all)).not.toContain('13800005551')

  const early = await readiness('13800005551')
  expect(early.body.readiness).toBe('NOT_READY')
  expect(early.body.reasons).toHaveLength(2)
  expect(early.body.reasons[1]).toMatch(/^百度尚未确认清理绑定（期限\d{4}-\d{2}-\d{2}）$/)

  // 百度 confirms late: only the quiet period is left; after 90 days, READY
  expect((await confirm('baidu', noticeId)).body).toEqual({ eventId: noticeId, status: 'CONFIRMED' })
  expect((await readiness('13800005551')).body.reasons).toHaveLength(1)
  sys.clock.advance(90 * DAY)
  expect((await readiness('13800005551')).body).toMatchObject({ readiness: 'READY', reasons: [] })
})

test('confirmations: only with the enterprise\'s own key, for its own notice, forward only; forged and replayed refused', async () => {
  for (const id of catalogue.enterprises.map(e => e.id)) sys.mock.setFaults(id, { noticeOutcome: 'never' })
  await cancel('13800005551')
  await waitFor(async () => (await notices()).every(n => n.status === 'DELIVERED') || undefined, 'deliveries')
  const noticeId = (await notices())[0]!.noticeId as string

  // meituan confirming "for" baidu only ever touches meituan's own notice
  await confirm('meituan', noticeId)
  const byId = async () => Object.fromEntries((await notices()).map(n => [n.enterpriseId, n.status]))
  expect((await byId()).baidu).toBe('DELIVERED')
  expect((await byId()).meituan).toBe('CONFIRMED')
  // baidu's key claiming to be jd
  const forged = await signedCall('jd', enterpriseKey(master, 'baidu'), 'POST', noticeCallbackPath(noticeId), { bindingsRemoved: 0, bindingsFrozen: 0 })
  expect([forged.status, forged.body.error.code]).toEqual([401, 'SIGNATURE_INVALID'])
  // a carrier key, a stale timestamp, no signature
  const path = noticeCallbackPath(noticeId)
  const body = JSON.stringify({ bindingsRemoved: 0, bindingsFrozen: 0 })
  for (const headers of [
    signedRequestHeaders('jd', carrierKey(master, 'cmcc'), 'POST', path, body, sys.clock.now()),
    signedRequestHeaders('jd', enterpriseKey(master, 'jd'), 'POST', path, body, sys.clock.now() - 10 * 60_000),
    {}
  ]) expect((await call(sys.url, 'POST', path, body, headers)).status).toBe(401)
  // the same signed request twice
  const once = signedRequestHeaders('jd', enterpriseKey(master, 'jd'), 'POST', path, body, sys.clock.now())
  expect((await call(sys.url, 'POST', path, body, once)).status).toBe(200)
  expect((await call(sys.url, 'POST', path, body, once)).status).toBe(401)
  // confirming again changes nothing (and says so); unknown notice; hostile bodies
  expect((await confirm('jd', noticeId, { bindingsRemoved: 99, bindingsFrozen: 0 })).body.status).toBe('CONFIRMED')
  expect((await notices()).find(n => n.enterpriseId === 'jd')!.bindingsRemoved).toBe(0)
  expect((await confirm('jd', '00000000-0000-4000-8000-000000000000')).status).toBe(404)
  for (const bad of [{ bindingsRemoved: -1, bindingsFrozen: 0 }, { bindingsRemoved: 1.5, bindingsFrozen: 0 }, { bindingsRemoved: 1 }, { bindingsRemoved: 1, bindingsFrozen: 0, extra: 1 }, 'x']) {
    const r = await confirm('kuaishou', noticeId, bad)
    expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  }
  expect((await byId()).kuaishou).toBe('DELIVERED')
})

test('a confirmation that overtakes its own delivery stands; a redelivered record does nothing twice', async () => {
  sys.mock.setFaults('jd', { failRate: 1, noticeOutcome: 'never' })
  await cancel('13800005551')
  await waitFor(async () => (await notices()).filter(n => n.status !== 'PENDING').length === 7 || undefined, 'seven settled')
  const jd = (await notices()).find(n => n.enterpriseId === 'jd')!
  expect(jd.status).toBe('PENDING')
  expect(jd.phone).toBe('13800005551')
  // jd learned of it elsewhere and confirms before our delivery ever succeeded
  await confirm('jd', jd.noticeId as string)
  sys.mock.setFaults('jd', { failRate: 0, noticeOutcome: 'never' })
  expect(await deliverNotice(sys.runtime, jd.noticeId as string, 'jd')).toBe('skipped')
  const after = (await notices()).find(n => n.enterpriseId === 'jd')!
  expect(after.status).toBe('CONFIRMED')
  expect(after.phone).toBeUndefined()
  // the stream delivering a settled notice again
  await waitFor(async () => (await notices()).find(n => n.enterpriseId === 'baidu')!.status !== 'PENDING' || undefined, 'baidu settled')
  const served = { ...sys.mock.notices.baidu }
  const baidu = (await notices()).find(n => n.enterpriseId === 'baidu')!
  expect(await deliverNotice(sys.runtime, baidu.noticeId as string, 'baidu')).toBe('skipped')
  expect(sys.mock.notices.baidu).toEqual(served)
})

test('an enterprise that is down: retried by the sweep when it recovers; after an hour the clear number goes anyway', async () => {
  sys.mock.setFaults('kuaishou', { failRate: 1 })
  sys.mock.setFaults('tencent', { failRate: 1 })
  await cancel('13800005551')
  await waitFor(async () => (await notices()).filter(n => n.status === 'PENDING').length === 2 || undefined, 'two left pending')
  sys.mock.setFaults('kuaishou', { failRate: 0 })
  await sys.scheduled.lifecycleSweep!()
  const status = async (id: string) => (await notices()).find(n => n.enterpriseId === id)!
  expect((await status('kuaishou')).status).not.toBe('PENDING')
  expect((await status('tencent')).status).toBe('PENDING')
  sys.clock.advance(HOUR + 1)
  await sys.scheduled.lifecycleSweep!()
  expect(await status('tencent')).toMatchObject({ status: 'UNDELIVERED' })
  expect((await status('tencent')).phone).toBeUndefined()
  expect(JSON.stringify(await notices())).not.toContain('13800005551')
})
