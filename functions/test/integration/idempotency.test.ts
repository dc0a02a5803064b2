// Idempotency-Key on POST /v1/verification-codes and POST /v1/queries (SECURITY.md §3a, the server side; the mini-program's retries: miniapp/src/services/idempotent.ts):
// a client that lost the answer on a slow network repeats the request and gets the first answer.
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const KEY = 'k3y-Abcdefghij_0123456789'
const OTHER_KEY = 'another-key-0123456789'

let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys.stop() })

const sendCode = (phone: string, headers: Record<string, string> = {}) => call(sys.url, 'POST', '/v1/verification-codes', { phone }, headers)
const submit = (code: string, headers: Record<string, string> = {}, who = ALICE) =>
  call(sys.url, 'POST', '/v1/queries', { phone: who.phone, idSuffix: who.idSuffix, code, consent: true }, headers)
const codeSms = () => sys.sms.all().filter(m => m.to === ALICE.phone && m.text.includes('验证码'))

test('a repeated query with the same key gets the same queryId and spends neither a try nor a quota', async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const first = await submit(code, { 'idempotency-key': KEY })
  expect(first.status).toBe(202)
  const before = await sys.dump()
  for (let i = 0; i < 5; i++) {
    const again = await submit(code, { 'idempotency-key': KEY })
    expect(again.status).toBe(202)
    expect(again.body).toEqual(first.body)
  }
  // nothing counted: no try, no quota, no second query
  const after = await sys.dump()
  expect(after.Limits).toEqual(before.Limits)
  expect(after.VerificationCodes).toEqual(before.VerificationCodes)
  expect(after.Queries!.map(q => q.pk)).toEqual([first.body.queryId])
  // without the key, the same request is a new one: the code is used
  expect((await submit(code)).body.error.code).toBe('CODE_INVALID')
})

test('a repeat in flight (parallel, same key) gets the one answer: one query', async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const answers = await Promise.all(Array.from({ length: 10 }, () => submit(code, { 'idempotency-key': KEY })))
  const accepted = answers.filter(a => a.status === 202)
  expect(accepted.length).toBeGreaterThanOrEqual(1)
  expect(new Set(accepted.map(a => a.body.queryId)).size).toBe(1)
  // the others lost the race before the first answer was kept: a 401/429 they may retry with the key
  expect(answers.every(a => [202, 401, 429].includes(a.status))).toBe(true)
  expect((await sys.dump()).Queries).toHaveLength(1)
  const late = await submit(code, { 'idempotency-key': KEY })
  expect(late.body.queryId).toBe(accepted[0]!.body.queryId)
})

test('the same key with another request is refused with IDEMPOTENCY_KEY_REUSED (422)', async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  expect((await submit(code, { 'idempotency-key': KEY })).status).toBe(202)
  const other = await submit(code, { 'idempotency-key': KEY }, { ...ALICE, idSuffix: '99999X' })
  expect(other.status).toBe(422)
  expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
  expect(other.body.error.message).toMatch(/[\u4e00-\u9fff]/)
  // a code request under a query's key is another request too
  expect((await sendCode(ALICE.phone, { 'idempotency-key': KEY })).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
})

test('a repeated code request with the same key sends no second SMS and is not rate limited', async () => {
  const first = await sendCode(ALICE.phone, { 'idempotency-key': OTHER_KEY })
  expect(first.status).toBe(202)
  await waitFor(() => codeSms().length === 1 || undefined, 'code SMS')
  sys.clock.advance(10_000)
  const again = await sendCode(ALICE.phone, { 'idempotency-key': OTHER_KEY })
  expect(again.status).toBe(202)
  expect(again.body).toEqual(first.body)
  // a new key is a new tap: inside the cooldown
  expect((await sendCode(ALICE.phone, { 'idempotency-key': KEY })).status).toBe(429)
  await new Promise(resolve => setTimeout(resolve, 200))
  expect(codeSms()).toHaveLength(1)
})

test('the record keeps hashes and the answer only, for an hour', async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const first = await submit(code, { 'idempotency-key': KEY })
  const records = (await sys.dump()).Limits!.filter(i => String(i.pk).startsWith('idem#'))
  expect(records).toHaveLength(1)
  const text = JSON.stringify(records)
  for (const secret of [ALICE.phone, ALICE.idSuffix, code, KEY]) expect(text).not.toContain(secret)
  expect(records[0]!.expiresAt).toBe(Math.floor(sys.clock.now() / 1000) + 3600)
  sys.clock.advance(3600_000 + 1000)
  // gone: the same key now starts afresh (and the used code fails)
  const late = await submit(code, { 'idempotency-key': KEY })
  expect(late.body.error?.code).toBe('CODE_INVALID')
  expect(first.status).toBe(202)
})

test('a malformed key is a 400 naming the header; without the header nothing changes', async () => {
  for (const bad of ['short', 'x'.repeat(65), 'has space in it 123', 'ünïcode-key-0123456789']) {
    const res = await sendCode(ALICE.phone, { 'idempotency-key': bad })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_INPUT')
    expect(Object.keys(res.body.error.fields)).toEqual(['Idempotency-Key'])
  }
  expect((await sendCode(ALICE.phone)).status).toBe(202)
})
