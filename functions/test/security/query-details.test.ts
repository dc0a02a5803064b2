// 查看明细 (POST /v1/query-details) as a boundary, over real HTTP from many loopback /24s: hostile
// bodies are refused with stable codes and write nothing but failure logs; the answer tells nobody
// whether a number exists or has a query; wrong result codes count per (number, requester) and per
// source, so strangers guessing at a number never lock its owner out of the code on the owner's phone.
import fc from 'fast-check'
import { ErrorBody } from '../../src/contract/index'
import { LIMITS } from '../../src/domain/limits'
import { closeRawAgent, raw, type RawReply } from '../support/raw-http'
import { bigCatalogueFile } from '../support/big-catalogue'
import { requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const BOB = { phone: '13900007777', idSuffix: '654321' }
const OWNER = '127.0.200.7'
const STRANGERS = Array.from({ length: 20 }, (_, i) => `127.0.${100 + i}.9`)
const STACK = /\n\s+at |\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+:\d+|node_modules\/|\bstack\b/i
const PATH = '/v1/query-details'

let sys: TestSystem
let aliceCode: string
beforeAll(async () => {
  sys = await startTestSystem({ env: { ENTERPRISES_FILE: bigCatalogueFile(200) } })
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const res = await raw(sys.url, { method: 'POST', path: '/v1/queries', from: OWNER, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ALICE, code, consent: true }) })
  expect(res.status).toBe(202)
  const sms = await waitFor(() => sys.sms.all().find(m => m.to === ALICE.phone && m.text.includes('结果码')), 'summary SMS', 30_000)
  aliceCode = /结果码([A-Z2-9]{8})/.exec(sms.text)![1]!
}, 60_000)
afterAll(async () => { closeRawAgent(); await sys?.stop() })

const post = (body: unknown, from: string) => raw(sys.url, {
  from, method: 'POST', path: PATH, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body)
})
const codeOf = (r: RawReply) => JSON.parse(r.text).error?.code as string | undefined
/** a code of the right shape that is not Alice's */
const wrongCode = (i: number) => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  let c = ''
  for (let n = i, k = 0; k < 8; k++, n = Math.floor(n / 32)) c += alphabet[n % 32]
  return c === aliceCode ? 'ZZZZZZZZ' : c
}

test('hostile bodies: a stable 4xx, never a 5xx or a stack; nothing written but failure and lookup logs', async () => {
  const before = await sys.dump()
  const source = (i: number) => `127.0.${10 + (i % 60)}.1`
  const injection = fc.constantFrom("' OR '1'='1' --", '{"$ne":null}', '${7*7}', '<script>', '../../etc/passwd', '\u0000', 'A'.repeat(300), '__proto__', 'result#', 'attribute_exists(pk)')
  const body = fc.oneof(
    fc.string({ maxLength: 100 }).filter(s => { try { JSON.parse(s); return false } catch { return true } }),
    fc.constantFrom('', 'null', '[]', '{}', '{"phone":NaN}', '\uFEFF{}'),
    fc.record({ phone: fc.oneof(injection, fc.integer(), fc.constant(null)), resultCode: fc.constant('ABCD2345') }).map(b => JSON.stringify(b)),
    fc.record({ phone: fc.constant(ALICE.phone), resultCode: fc.oneof(injection, fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.constantFrom('ABCD234', 'ABCD23450', 'ABCDO1IL', '00000000')) }).map(b => JSON.stringify(b)),
    fc.record({ phone: fc.constant(ALICE.phone), resultCode: fc.constant('ABCD2345'), extra: fc.jsonValue({ maxDepth: 2 }) }).map(b => JSON.stringify(b)),
    fc.integer({ min: 5000, max: 60_000 }).map(n => JSON.stringify({ phone: ALICE.phone, resultCode: 'x'.repeat(n) }))
  )
  let i = 0
  await fc.assert(fc.asyncProperty(body, async b => {
    const reply = await post(b, source(i++))
    const context = `${reply.status} ${reply.text.slice(0, 200)}`
    expect({ context, is4xx: reply.status >= 400 && reply.status < 500 }).toEqual({ context, is4xx: true })
    expect(reply.text).not.toMatch(STACK)
    const parsed = ErrorBody.safeParse(JSON.parse(reply.text))
    expect(parsed.success).toBe(true)
    expect(['INVALID_INPUT', 'PAYLOAD_TOO_LARGE', 'CODE_INVALID', 'RATE_LIMITED']).toContain(parsed.data!.error.code)
  }), { numRuns: 150 })
  const after = await sys.dump()
  const counters = [LIMITS.verifySource.counter, LIMITS.detailsNumber.counter, LIMITS.detailsSourceHourly.counter].map(c => `${c}#`)
  const other = (t: typeof after) => ({ ...t, Limits: t.Limits!.filter(x => !counters.some(c => String(x.pk).startsWith(c))) })
  expect(other(after)).toEqual(other(before))
}, 120_000)

test('an unknown number, a number without a query, a wrong code and an expired-looking code answer byte for byte alike', async () => {
  const replies = [
    await post({ phone: '13700001234', resultCode: 'ABCD2345' }, '127.0.150.1'),
    await post({ phone: BOB.phone, resultCode: 'ABCD2345' }, '127.0.151.1'),
    await post({ phone: ALICE.phone, resultCode: wrongCode(7) }, '127.0.152.1'),
    await post({ phone: '13900001111', resultCode: aliceCode }, '127.0.153.1') // Alice's code, another number
  ]
  for (const r of replies) {
    expect(r.status).toBe(401)
    expect(r.text).toBe(replies[0]!.text)
    expect(r.headers['content-type']).toBe(replies[0]!.headers['content-type'])
  }
  expect(codeOf(replies[0]!)).toBe('CODE_INVALID')
})

test('20 stranger sources guess result codes for a number; each is stopped on its own tries, and the owner opens the details at once', async () => {
  const outcomes = await Promise.all(STRANGERS.map(async from => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await post({ phone: ALICE.phone, resultCode: wrongCode(1000 + statuses.length * 31 + from.length) }, from)).status)
    return statuses
  }))
  for (const statuses of outcomes) {
    // 3 free wrong codes, then a wait: the stranger's own pair (number, source) is paused
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses.slice(3)).toEqual(Array(5).fill(429))
  }
  const owner = await post({ phone: ALICE.phone, resultCode: aliceCode }, OWNER)
  expect(owner.status).toBe(200)
  expect(JSON.parse(owner.text).apps).toHaveLength(200)
})

test('a source that keeps failing is slowed across numbers (wrong result codes count like wrong SMS codes)', async () => {
  const from = '127.0.170.3'
  const statuses: number[] = []
  for (let i = 0; i < 14; i++) statuses.push((await post({ phone: `1390000${String(2000 + i)}`, resultCode: wrongCode(5000 + i) }, from)).status)
  // VERIFY_SOURCE: 10 free failures a day from one source, then a wait
  expect(statuses.slice(0, LIMITS.verifySource.ceiling)).toEqual(Array(LIMITS.verifySource.ceiling).fill(401))
  expect(statuses.at(-1)).toBe(429)
  // a refused request spent nothing: the owner's code works from elsewhere
  expect((await post({ phone: ALICE.phone, resultCode: aliceCode }, '127.0.171.3')).status).toBe(200)
})

test('lookups per source are rate-limited, right or wrong', async () => {
  const from = '127.0.180.5'
  const statuses: number[] = []
  for (let i = 0; i <= LIMITS.detailsSourceHourly.ceiling; i++) statuses.push((await post({ phone: ALICE.phone, resultCode: aliceCode }, from)).status)
  expect(statuses.slice(0, LIMITS.detailsSourceHourly.ceiling)).toEqual(Array(LIMITS.detailsSourceHourly.ceiling).fill(200))
  const last = await post({ phone: ALICE.phone, resultCode: aliceCode }, from)
  expect(last.status).toBe(429)
  expect(Number(last.headers['retry-after'])).toBeGreaterThan(0)
})
