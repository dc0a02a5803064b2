// Denial of service against one number, over real HTTP from many source addresses (loopback /24s):
// a stranger who does not hold the phone must not stop its owner from getting a code and completing
// a query, nor make the owner's correct code fail (SECURITY.md §2: limits per number, requester and source).
import { closeRawAgent, raw } from '../support/raw-http'
import { lastCode, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' } // active
const BOB = { phone: '13900007777', idSuffix: '654321' } // active
const CANCELLED = { phone: '18900002222', idSuffix: '11111X' }
const SUSPENDED = { phone: '15000003333', idSuffix: '222222' }
const UNKNOWN = { phone: '13700001234', idSuffix: '123456' }
const OWNER = '127.0.200.7'
/** 20 strangers, each its own /24 (and several addresses inside it) */
const STRANGERS = Array.from({ length: 20 }, (_, i) => (host: number) => `127.0.${100 + i}.${1 + (host % 250)}`)
const MIN = 60_000

let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys.stop() })
afterAll(() => closeRawAgent())

const post = (path: string, body: unknown, from: string, headers: Record<string, string> = {}) => raw(sys.url, {
  from, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body)
})
const sendCode = (phone: string, from: string, headers?: Record<string, string>) => post('/v1/verification-codes', { phone }, from, headers)
const submit = (who: { phone: string, idSuffix: string }, code: string, from: string, headers?: Record<string, string>) =>
  post('/v1/queries', { phone: who.phone, idSuffix: who.idSuffix, code, consent: true }, from, headers)
const codeOf = (r: { text: string }) => JSON.parse(r.text).error?.code as string | undefined
const wrong = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')
const codeSmsTo = (phone: string) => sys.sms.all().filter(m => m.to === phone && m.text.includes('验证码'))
/** every code SMS the provider has, once the outbox is drained */
const drained = () => waitFor(async () => (await sys.dump()).SmsOutbox!.every(m => m.status === 'SENT' || m.status === 'DELIVERED') || undefined, 'outbox drained')

test('20 stranger sources hammer codes and wrong codes for a number; the owner from its own source still completes a query', async () => {
  // five rounds a minute apart: every stranger asks for codes and fires wrong codes, from several
  // addresses of its /24, until the number's hourly code ceiling is spent
  for (let round = 0; round < 5; round++) {
    await Promise.all(STRANGERS.map(async (at, s) => {
      await sendCode(ALICE.phone, at(round))
      for (let i = 0; i < 4; i++) await submit(ALICE, wrong('000000', s * 100 + round * 10 + i), at(round + i))
    }))
    sys.clock.advance(61_000)
  }
  await drained()
  const bombed = codeSmsTo(ALICE.phone).length
  // the SMS-bombing ceiling held: five code SMS in the hour, whoever asked
  expect(bombed).toBe(5)
  // ten minutes later the newest of those codes would have expired; the strangers keep at it
  sys.clock.advance(10 * MIN)
  await Promise.all(STRANGERS.map(at => sendCode(ALICE.phone, at(9))))

  // the owner: asks for a code, is told the newest SMS code still works, and uses it
  const started = performance.now()
  const asked = await sendCode(ALICE.phone, OWNER)
  expect(asked.status).toBe(429)
  expect(JSON.parse(asked.text).error.message).toContain('最近一条短信中的验证码仍然有效')
  const code = lastCode(sys, ALICE.phone)!
  const accepted = await submit(ALICE, code, OWNER)
  const seconds = (performance.now() - started) / 1000
  expect(accepted.status).toBe(202)
  expect(JSON.parse(accepted.text).queryId).toEqual(expect.any(String))
  console.log(`[figure] 20 stranger sources: owner completes a query in ${seconds.toFixed(2)} s (0 s of waiting on the service clock); code SMS to the number: ${bombed}`)
})

test('when no ceiling is spent, the owner waits at most the 60 s cooldown for a code of its own', async () => {
  await Promise.all(STRANGERS.map(at => sendCode(ALICE.phone, at(0))))
  const early = await sendCode(ALICE.phone, OWNER)
  expect(early.status).toBe(429)
  expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(60)
  sys.clock.advance(Number(early.headers['retry-after']) * 1000)
  // the strangers' code SMS must be out first, or it could pass for the owner's new one
  await drained()
  const before = codeSmsTo(ALICE.phone).length
  expect((await sendCode(ALICE.phone, OWNER)).status).toBe(202)
  await waitFor(() => codeSmsTo(ALICE.phone).length > before || undefined, 'the owner\'s code SMS')
  expect((await submit(ALICE, lastCode(sys, ALICE.phone)!, OWNER)).status).toBe(202)
})

test("a stranger's 5 wrong codes (and 20 strangers' 100) do not burn the owner's code", async () => {
  expect((await sendCode(ALICE.phone, OWNER)).status).toBe(202)
  await drained()
  const code = lastCode(sys, ALICE.phone)!
  await Promise.all(STRANGERS.map(async (at, s) => {
    for (let i = 0; i < 5; i++) expect(codeOf(await submit(ALICE, wrong(code, s * 5 + i), at(i)))).toBe('CODE_INVALID')
  }))
  const [live] = (await sys.dump()).VerificationCodes!
  expect(live).toMatchObject({ total: 100 })
  expect((await submit(ALICE, code, OWNER)).status).toBe(202)
})

test('wrong codes from one source back off stepwise (10 free, then 1 min, 5 min …), whatever number they aim at', async () => {
  const from = STRANGERS[0]!
  const answers: string[] = []
  for (let i = 0; i < 30; i++) answers.push(codeOf(await submit({ ...ALICE, phone: `1370000${String(i).padStart(4, '0')}` }, '000000', from(i)))!)
  expect(answers.slice(0, 10)).toEqual(Array(10).fill('CODE_INVALID'))
  expect(answers.slice(10)).toEqual(Array(20).fill('RATE_LIMITED'))
  const held = await submit(ALICE, '000000', from(99))
  expect(held.headers['retry-after']).toBe('60')
  sys.clock.advance(60_000)
  expect(codeOf(await submit(ALICE, '000000', from(1)))).toBe('CODE_INVALID')
  expect((await submit(ALICE, '000000', from(2))).headers['retry-after']).toBe('300')
  // another source is not held
  expect(codeOf(await submit(ALICE, '000000', STRANGERS[1]!(0)))).toBe('CODE_INVALID')
})

test('7 wrong suffixes within a minute across midnight and the hour: never more than the 2 free verdicts', async () => {
  sys.clock.t = Date.parse('2026-07-21T23:59:30+08:00')
  expect((await sendCode(BOB.phone, OWNER)).status).toBe(202)
  await drained()
  const code = lastCode(sys, BOB.phone)!
  const answers: string[] = []
  // from five sources, so that no per-source limit is what stops them
  for (let i = 0; i < 7; i++) {
    answers.push(codeOf(await submit({ ...BOB, idSuffix: String(100000 + i) }, code, STRANGERS[i % 5]!(0)))!)
    sys.clock.advance(9_000)
  }
  expect(answers.filter(a => a === 'VERIFICATION_FAILED')).toHaveLength(2)
  expect(answers.filter(a => a === 'RATE_LIMITED')).toHaveLength(5)
})

test('no code SMS to a cancelled, suspended, unknown or locked number: the same 202', async () => {
  // lock BOB: five verdicts, spaced by the backoff steps
  for (const wait of [0, 61, 61, 301, 1801]) {
    sys.clock.advance(wait * 1000)
    sys.random.codes.push('515151')
    expect((await sendCode(BOB.phone, OWNER)).status).toBe(202)
    expect(codeOf(await submit({ ...BOB, idSuffix: '000000' }, '515151', OWNER))).toBe('VERIFICATION_FAILED')
  }
  await drained()
  // an hour on (BOB's hourly code ceiling is free again), BOB is still locked for ~22 h
  sys.clock.advance(60 * MIN)
  const before = sys.sms.all().length
  const answers = []
  for (const [i, who] of [ALICE, BOB, CANCELLED, SUSPENDED, UNKNOWN].entries()) answers.push(await sendCode(who.phone, STRANGERS[i]!(0)))
  const shape = answers.map(a => ({ status: a.status, body: a.text.replace(/"maskedPhone":"[^"]*"/, '') }))
  expect(new Set(shape.map(s => JSON.stringify(s))).size).toBe(1)
  expect(shape[0]!.status).toBe(202)
  await waitFor(() => sys.sms.all().length > before || undefined, 'ALICE\'s SMS')
  await drained()
  expect(sys.sms.all().slice(before).map(m => m.to)).toEqual([ALICE.phone])
})

test('parallel requests for one number that collide in DynamoDB get 202, 401 or 429, never a 5xx', async () => {
  const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => sendCode(ALICE.phone, STRANGERS[i % 20]!(i))))
  expect(codes.filter(r => r.status === 202)).toHaveLength(1)
  expect(codes.every(r => r.status === 202 || r.status === 429)).toBe(true)
  await drained()
  const code = lastCode(sys, ALICE.phone)!
  const mixed = await Promise.all(Array.from({ length: 40 }, (_, i) => i % 2
    ? submit(ALICE, code, STRANGERS[i % 20]!(i))
    : sendCode(ALICE.phone, STRANGERS[i % 20]!(i))))
  const statuses = new Set(mixed.map(r => r.status))
  for (const s of statuses) expect([202, 401, 429]).toContain(s)
  expect((await sys.dump()).Queries!.length).toBeLessThanOrEqual(1)
})
