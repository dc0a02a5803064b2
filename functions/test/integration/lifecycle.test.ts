// Number lifecycle over real HTTP on DynamoDB Local: carriers' signed events, re-issue readiness,
// the platforms' "changed hands since D?" check, the released feed and the audit trail.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { catalogue } from '../../src/catalogue/index'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { carrierKey, enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { MockCarrier } from '../../src/mock-carriers/service'
import { call, DEMO, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const DAY = 24 * 3600 * 1000
const OWNER = DEMO.subscribers[0]! // 13800005551, 中国移动
let sys: TestSystem
beforeAll(async () => {
  // the demo catalogue, 美团 sized for 1,500 numbers a day on the platform API
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-lifecycle-')), 'enterprises.json')
  fs.writeFileSync(file, JSON.stringify({ enterprises: catalogue.enterprises.map(e => e.id === 'meituan' ? { ...e, platformDailyNumbers: 1500 } : e) }))
  sys = await startTestSystem({ env: { ...process.env, ENTERPRISES_FILE: file } })
})
afterAll(async () => { await sys?.stop() })

const master = DEV_SECRETS.enterpriseKey
const keyOf = (kind: 'carrier' | 'enterprise', id: string) => kind === 'carrier' ? carrierKey(master, id) : enterpriseKey(master, id)

function signed (kind: 'carrier' | 'enterprise', id: string, method: string, path: string, body?: unknown, opts: { key?: string, at?: number } = {}) {
  const text = body === undefined ? '' : JSON.stringify(body)
  sys.clock.advance(1) // two calls in one millisecond with one body would be one signature: a replay
  const headers = signedRequestHeaders(id, opts.key ?? keyOf(kind, id), method, path, text, opts.at ?? sys.clock.now())
  return { headers, send: () => call(sys.url, method, path, body === undefined ? undefined : text, headers) }
}

let seq = 0
const event = (phone: string, type: string, effectiveAt: string, extra: Record<string, string> = {}) =>
  ({ eventId: `e${++seq}`, phone, type, effectiveAt, ...extra })
const postEvents = (carrier: string, events: unknown[]) => signed('carrier', carrier, 'POST', LIFECYCLE_PATHS.numberEvents, { events }).send()
const check = (enterprise: string, since: string, numbers: string[]) =>
  signed('enterprise', enterprise, 'POST', LIFECYCLE_PATHS.numberChecks, { since, numbers }).send()

test('a carrier cancels its number: recorded once, replays refused, the number stops verifying', async () => {
  const first = event(OWNER.phone, 'ACTIVE', '2026-01-01')
  expect((await postEvents('cmcc', [first])).body).toEqual({ results: [{ eventId: first.eventId, outcome: 'APPLIED' }] })

  // a carrier's own event id may embed the number: it is kept only as a keyed hash
  const cancel = { ...event(OWNER.phone, 'CANCELLED', '2026-07-20'), eventId: `cmcc-${OWNER.phone}-cancel` }
  const req = signed('carrier', 'cmcc', 'POST', LIFECYCLE_PATHS.numberEvents, { events: [cancel] })
  expect((await req.send()).body.results).toEqual([{ eventId: cancel.eventId, outcome: 'APPLIED' }])
  // the very same request again: the signature was used
  const replay = await req.send()
  expect([replay.status, replay.body.error.code]).toEqual([401, 'SIGNATURE_INVALID'])
  // the same event in a fresh request: recorded once
  expect((await postEvents('cmcc', [cancel])).body.results).toEqual([{ eventId: cancel.eventId, outcome: 'DUPLICATE' }])
  // cancelling twice is refused, not applied twice
  expect((await postEvents('cmcc', [event(OWNER.phone, 'CANCELLED', '2026-07-20T12:00:00Z')])).body.results[0].outcome).toBe('REJECTED')

  // once every release notice is delivered, only the released feed holds the number (for its 30 days)
  await waitFor(async () => (await sys.dump()).NumberNotices!.every(n => n.status !== 'PENDING') || undefined, 'notices delivered')
  const { NumberLifecycle, ...rest } = await sys.dump()
  const feed = NumberLifecycle!.filter(i => String(i.pk).startsWith('rel#'))
  expect(JSON.stringify([rest, NumberLifecycle!.filter(i => !feed.includes(i))])).not.toContain(OWNER.phone.slice(3))
  expect(feed.map(i => String(i.pk).split('#')[2])).toEqual([OWNER.phone])
})

test('forged, stale, unsigned and cross-carrier calls are refused and write nothing', async () => {
  const before = await sys.dump()
  const body = { events: [event('13900007777', 'CANCELLED', '2026-07-20')] }
  const path = LIFECYCLE_PATHS.numberEvents
  const refusals = [
    signed('carrier', 'cmcc', 'POST', path, body, { key: 'wrong-key' }).send(),
    signed('carrier', 'cmcc', 'POST', path, body, { at: sys.clock.now() - 6 * 60_000 }).send(),
    signed('carrier', 'unknown', 'POST', path, body, { key: carrierKey(master, 'unknown') }).send(),
    // an enterprise's key does not open the carriers' door
    signed('enterprise', 'baidu', 'POST', path, body).send().then(r => r),
    call(sys.url, 'POST', path, body)
  ]
  for (const reply of await Promise.all(refusals)) expect([reply.status, reply.body.error.code]).toEqual([401, 'SIGNATURE_INVALID'])
  // signed for one path, sent to another
  const moved = signed('carrier', 'cmcc', 'POST', path, body)
  const elsewhere = await call(sys.url, 'POST', LIFECYCLE_PATHS.numberChecks, JSON.stringify(body), moved.headers)
  expect(elsewhere.status).toBe(401)
  // 中国联通 reporting 中国移动's number
  expect((await postEvents('cucc', body.events)).body.results[0]).toMatchObject({ outcome: 'REJECTED', reason: 'OTHER_CARRIER' })
  expect(withoutBookkeeping(await sys.dump())).toEqual(withoutBookkeeping(before))
})

/** used signatures and rate buckets change with every call; nothing else may */
function withoutBookkeeping (dump: Record<string, Record<string, unknown>[]>) {
  return Object.fromEntries(Object.entries(dump).map(([t, items]) => [t, items.filter(i => !/^(sig|bucket)#/.test(String(i.pk)))]))
}

test('batches over 1,000 events and malformed events are refused whole', async () => {
  const many = Array.from({ length: 1001 }, (_, i) => event(`1380000${String(i).padStart(4, '0')}`, 'ACTIVE', '2026-01-01'))
  const reply = await postEvents('cmcc', many)
  expect([reply.status, reply.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  for (const bad of [{ phone: '123' }, { type: 'STOLEN' }, { effectiveAt: 'yesterday' }, { eventId: 'a b' }, { extra: 1 }]) {
    const r = await postEvents('cmcc', [{ ...event('13800001111', 'ACTIVE', '2026-01-01'), ...bad }])
    expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  }
})

test('re-issue readiness: 90 quiet days; an early REISSUED is flagged; the new holder verifies with their own ID', async () => {
  const phone = '13900007777' // 中国移动 block
  await postEvents('cmcc', [event(phone, 'ACTIVE', '2026-01-01'), event(phone, 'CANCELLED', '2026-07-21')])
  const ask = () => signed('carrier', 'cmcc', 'GET', LIFECYCLE_PATHS.readiness(phone)).send()
  const early = await ask()
  expect(early.body).toMatchObject({ maskedPhone: '139****7777', readiness: 'NOT_READY' })
  expect(early.body.reasons[0]).toMatch(/销号未满90天/)
  // another carrier learns nothing about it
  const other = await signed('carrier', 'ctcc', 'GET', LIFECYCLE_PATHS.readiness(phone)).send()
  expect(other.body).toMatchObject({ readiness: 'NOT_READY', reasons: ['无该号码的记录'] })

  sys.clock.advance(90 * DAY)
  expect((await ask()).body).toMatchObject({ readiness: 'READY', reasons: [] })

  const reissue = event(phone, 'REISSUED', new Date(sys.clock.now()).toISOString(), { idSuffix: '888888' })
  expect((await postEvents('cmcc', [reissue])).body.results[0]).toEqual({ eventId: reissue.eventId, outcome: 'APPLIED' })
  // the new holder's suffix now passes the real-name check; the old one would not
  const code = await requestCodeAndRead(sys, phone)
  const accepted = await call(sys.url, 'POST', '/v1/queries', { phone, idSuffix: '888888', code, consent: true })
  expect(accepted.status).toBe(202)

  // a second cycle, re-issued too early: accepted (the carrier already did it) but flagged
  sys.clock.advance(DAY)
  await postEvents('cmcc', [event(phone, 'CANCELLED', new Date(sys.clock.now()).toISOString())])
  sys.clock.advance(DAY)
  const hasty = event(phone, 'REISSUED', new Date(sys.clock.now()).toISOString(), { idSuffix: '777777' })
  const flagged = (await postEvents('cmcc', [hasty])).body.results[0]
  expect(flagged).toMatchObject({ outcome: 'FLAGGED' })
  expect(flagged.reason).toMatch(/销号未满90天/)
})

test('platform check: true / false / null per number, 1,000 numbers in 10 batch reads, audited for the caller only', async () => {
  const released = '18600001234' // 中国联通
  const steady = '18600005678'
  sys.clock.t = Date.parse('2026-12-01T02:00:00Z')
  await postEvents('cucc', [event(released, 'ACTIVE', '2026-03-01'), event(steady, 'ACTIVE', '2026-03-01'), event(released, 'CANCELLED', '2026-11-30')])

  const reply = await check('jd', '2026-06-01', [released, steady, '18600009999'])
  expect(reply.body.results).toEqual([
    { phone: released, reassigned: true },
    { phone: steady, reassigned: false },
    { phone: '18600009999', reassigned: null }
  ])
  // a date before our records began: no data, never a guess
  expect((await check('jd', '2026-01-01', [steady])).body.results).toEqual([{ phone: steady, reassigned: null }])
  // released after the date asked: the holder at that date no longer has it
  expect((await check('jd', '2026-12-01', [released])).body.results).toEqual([{ phone: released, reassigned: false }])

  const numbers = Array.from({ length: 1000 }, (_, i) => i % 2 ? released : `1870000${String(i).padStart(4, '0')}`)
  const batchGets = () => sys.ddbCalls.BatchGetItemCommand ?? 0
  const before = batchGets()
  const big = await check('jd', '2026-06-01', numbers)
  expect(big.body.results).toHaveLength(1000)
  // 501 distinct numbers → 6 BatchGetItem calls of ≤ 100 keys (1,000 distinct → 10)
  expect(batchGets() - before).toBe(6)

  // filed under the day we recorded it (12-01, China), keeping its effective day (11-30)
  const feed = await signed('enterprise', 'jd', 'GET', LIFECYCLE_PATHS.releasedNumbers('2026-12-01')).send()
  expect(feed.body).toEqual({
    date: '2026-12-01',
    numbers: [released],
    entries: [{ phone: released, effectiveAt: '2026-11-29T16:00:00.000Z', recordedAt: expect.stringMatching(/^2026-12-01T02:00/) }]
  })

  const own = await signed('enterprise', 'jd', 'GET', LIFECYCLE_PATHS.audit('2026-12-01')).send()
  expect(own.body.enterpriseId).toBe('jd')
  expect(own.body.calls.map((c: { numbers: number }) => c.numbers)).toEqual([3, 1, 1, 1000, 1])
  expect(JSON.stringify(own.body)).not.toContain(released)
  // another enterprise's key reads its own (empty) trail, never jd's
  const other = await signed('enterprise', 'meituan', 'GET', LIFECYCLE_PATHS.audit('2026-12-01')).send()
  expect(other.body).toEqual({ enterpriseId: 'meituan', date: '2026-12-01', calls: [] })
  // a carrier key does not open the platforms' door
  const carrierTry = await signed('enterprise', 'cucc', 'POST', LIFECYCLE_PATHS.numberChecks, { since: '2026-06-01', numbers: [released] }, { key: carrierKey(master, 'cucc') }).send()
  expect(carrierTry.status).toBe(401)
})

test('platform calls are rate limited per enterprise, with the real wait', async () => {
  sys.clock.t = Date.parse('2026-12-02T02:00:00Z')
  let reply
  let ok = 0
  for (let i = 0; i < 30; i++) {
    reply = await check('kuaishou', '2026-06-01', ['18600005678'])
    if (reply.status !== 200) break
    ok++
  }
  expect(ok).toBe(20)
  expect([reply!.status, reply!.body.error.code, reply!.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', '3'])
  // another enterprise is not slowed by it
  expect((await check('douyin', '2026-06-01', ['18600005678'])).status).toBe(200)
  sys.clock.advance(3000)
  expect((await check('kuaishou', '2026-06-01', ['18600005678'])).status).toBe(200)
})

test('a carrier holding only its own key re-issues a number: the new holder\'s query is accepted end to end', async () => {
  const phone = '13900008642' // 中国移动 block, no subscriber record yet
  sys.clock.t = Date.parse('2027-03-01T02:00:00Z')
  // the mocked carrier derives its own signing key and keeps nothing else: no pepper, no hash of ours
  const carrier = new MockCarrier('cmcc', master, sys.clock, [{ phone, idSuffix: '11111X', status: 'active' }])
  expect((await carrier.report(sys.url, [carrier.cancel(phone)])).body.results[0].outcome).toBe('APPLIED')
  sys.clock.advance(91 * DAY)
  const reissue = carrier.reissue(phone, '24680x')
  sys.clock.advance(1)
  expect((await carrier.report(sys.url, [reissue])).body.results[0]).toEqual({ eventId: reissue.eventId, outcome: 'APPLIED' })

  const submit = async (idSuffix: string) => {
    sys.clock.advance(61_000)
    const code = await requestCodeAndRead(sys, phone)
    return (await call(sys.url, 'POST', '/v1/queries', { phone, idSuffix, code, consent: true })).status
  }
  expect(await submit('24680X')).toBe(202)
  expect(await submit('11111X')).toBe(403)
  // the suffix came in clear over the signed channel and is kept only as the pepper-keyed hash
  const dump = JSON.stringify(await sys.dump())
  expect(dump).not.toMatch(/24680X/i)
  expect(dump).toContain(sys.runtime.hasher.idSuffix(phone, '24680X'))
})

test('a reused event id: the identical event is a DUPLICATE, other content is a CONFLICT, the rest of the batch applies', async () => {
  sys.clock.t = Date.parse('2027-08-01T02:00:00Z')
  const [a, b] = ['13900001357', '13900002468']
  const first = event(a, 'ACTIVE', '2027-01-01')
  expect((await postEvents('cmcc', [first])).body.results[0].outcome).toBe('APPLIED')
  // the same id naming a cancellation of another number, beside a fresh event
  const reused = { ...event(b, 'CANCELLED', '2027-07-01'), eventId: first.eventId }
  const fresh = event(a, 'CANCELLED', '2027-07-02')
  const reply = await postEvents('cmcc', [reused, fresh, first])
  expect(reply.body.results).toEqual([
    { eventId: first.eventId, outcome: 'CONFLICT', reason: 'EVENT_ID_REUSED' },
    { eventId: fresh.eventId, outcome: 'APPLIED' },
    { eventId: first.eventId, outcome: 'DUPLICATE' }
  ])
  // the refused event left nothing: b has no history, so platforms get "no data" for it
  const checked = await check('jd', '2027-06-01', [a, b])
  expect(checked.body.results).toEqual([{ phone: a, reassigned: true }, { phone: b, reassigned: null }])
  // the same id with the same number and type but another time is another event too
  expect((await postEvents('cmcc', [{ ...fresh, effectiveAt: '2027-07-03' }])).body.results[0].outcome).toBe('CONFLICT')
  // no event id is stored as given
  const ids = (await sys.dump()).NumberLifecycle!.map(i => String(i.pk)).filter(pk => pk.startsWith('evt#'))
  expect(ids.length).toBeGreaterThan(0)
  expect(ids.join()).not.toContain(first.eventId)
  expect(ids.join()).not.toContain('cmcc')
})

test('porting (携号转网): the receiving carrier reports it, the holder keeps the number, platforms see false', async () => {
  sys.clock.t = Date.parse('2027-09-01T02:00:00Z')
  const phone = '13900003579' // 中国移动 block, its holder moves to 中国电信
  await postEvents('cmcc', [event(phone, 'ACTIVE', '2027-01-01')])
  const ported = event(phone, 'PORTED', '2027-06-01')
  // only the carrier it moves to reports it; the one it leaves cannot "port" it to itself
  expect((await postEvents('cmcc', [ported])).body.results[0]).toMatchObject({ outcome: 'REJECTED' })
  expect((await postEvents('ctcc', [ported])).body.results[0]).toEqual({ eventId: ported.eventId, outcome: 'APPLIED' })
  expect((await check('jd', '2027-02-01', [phone])).body.results).toEqual([{ phone, reassigned: false }])
  // the number is now the new carrier's: the old one can no longer cancel it
  expect((await postEvents('cmcc', [event(phone, 'CANCELLED', '2027-08-01')])).body.results[0]).toMatchObject({ outcome: 'REJECTED', reason: 'OTHER_CARRIER' })
  const cancel = event(phone, 'CANCELLED', '2027-08-01')
  expect((await postEvents('ctcc', [cancel])).body.results[0].outcome).toBe('APPLIED')
  expect((await check('jd', '2027-02-01', [phone])).body.results).toEqual([{ phone, reassigned: true }])
})

test('released feed: a late report lands on the day we recorded it; a cursor returns what came after it, in the order received', async () => {
  const [a, b, c] = ['18600002001', '18600002002', '18600002003'] // 中国联通
  const read = async (cursor: string) => {
    sys.clock.advance(3000) // a token per read
    const reply = await signed('enterprise', 'baidu', 'GET', LIFECYCLE_PATHS.releasedSince(cursor)).send()
    expect(reply.status).toBe(200)
    return reply.body as { entries: { phone: string, effectiveAt: string }[], next: string, more: boolean }
  }
  sys.clock.t = Date.parse('2028-03-10T15:50:00Z') // 23:50 China time
  const start = await read('')
  // a carrier's next-morning batch: a release effective days ago, recorded now
  await postEvents('cucc', [event(a, 'ACTIVE', '2028-01-01'), event(b, 'ACTIVE', '2028-01-01'), event(c, 'ACTIVE', '2028-01-01')])
  await postEvents('cucc', [event(a, 'CANCELLED', '2028-03-05')])
  sys.clock.advance(20 * 60_000) // past midnight in China
  await postEvents('cucc', [event(b, 'CANCELLED', '2028-03-10')])
  sys.clock.advance(61_000)

  const byDay = async (date: string) => (await signed('enterprise', 'baidu', 'GET', LIFECYCLE_PATHS.releasedNumbers(date)).send()).body
  expect((await byDay('2028-03-05')).numbers).toEqual([])
  expect(await byDay('2028-03-10')).toMatchObject({ numbers: [a], entries: [{ phone: a, effectiveAt: '2028-03-04T16:00:00.000Z' }] })
  expect((await byDay('2028-03-11')).numbers).toEqual([b])

  const first = await read(start.next)
  expect([first.entries.map(e => e.phone), first.more]).toEqual([[a], true])
  const second = await read(first.next)
  expect([second.entries.map(e => e.phone), second.more]).toEqual([[b], false])
  // nothing new: the same position again
  const idle = await read(second.next)
  expect([idle.entries, idle.next]).toEqual([[], second.next])

  // served once settled (a minute), so a slow write is never overtaken by a reader's cursor
  await postEvents('cucc', [event(c, 'CANCELLED', '2028-03-11')])
  expect((await read(idle.next)).entries).toEqual([])
  sys.clock.advance(61_000)
  const third = await read(idle.next)
  expect(third.entries.map(e => e.phone)).toEqual([c])
  // from the start: everything kept, in the order recorded
  expect((await read('')).entries.map(e => e.phone)).toEqual([a])

  // the cursor carries no number, and a forged one is refused
  const [body, mac] = third.next.split('.')
  expect(Buffer.from(body!, 'base64url').toString()).not.toContain(c.slice(3))
  const forged = Buffer.from(String(Number(Buffer.from(body!, 'base64url').toString()) - 10 ** 9)).toString('base64url')
  for (const bad of [`${forged}.${mac}`, `${body}.${'A'.repeat(mac!.length)}`, 'nonsense']) {
    sys.clock.advance(3000)
    const reply = await signed('enterprise', 'baidu', 'GET', LIFECYCLE_PATHS.releasedSince(bad)).send()
    expect([reply.status, reply.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  }
})

test('a daily quota of numbers checked per enterprise, from its configuration (a default otherwise): 429 past it until China midnight', async () => {
  sys.clock.t = Date.parse('2028-05-01T14:00:00Z') // 22:00 China time
  const numbers = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `1860001${String(from + i).padStart(4, '0')}`)
  const asks = async (enterprise: string, list: string[]) => { sys.clock.advance(3000); return check(enterprise, '2028-01-01', list) }
  expect((await asks('meituan', numbers(1000))).status).toBe(200)
  expect((await asks('meituan', numbers(500, 1000))).status).toBe(200)
  const over = await asks('meituan', numbers(1, 1500))
  expect([over.status, over.body.error.code, over.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', String(2 * 3600 - 9)]) // three reads 3 s apart since 22:00
  // refused calls count nothing; another enterprise (the default quota) is not affected
  expect((await asks('jd', numbers(1000))).status).toBe(200)
  sys.clock.t = Date.parse('2028-05-01T16:00:01Z') // a new China day
  expect((await asks('meituan', numbers(1000))).status).toBe(200)
})
