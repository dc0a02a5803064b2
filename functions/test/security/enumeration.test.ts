// Enumeration and guessing over real HTTP: nothing in an answer tells numbers apart, and the attempt
// limits hold when an attacker fires everything at once (each limit is a conditional write, so
// parallel requests cannot read the same "4 tries so far" and all pass).
import { closeRawAgent, raw } from '../support/raw-http'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' } // active
const BOB = { phone: '13900007777', idSuffix: '654321' } // active
const CANCELLED = { phone: '18900002222', idSuffix: '11111X' }
const UNKNOWN = { phone: '13700001234', idSuffix: '123456' }
const PARALLEL = 50

let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys.stop() })
afterAll(() => closeRawAgent())

const submitRaw = (who: { phone: string, idSuffix: string }, code: string) => raw(sys.url, {
  method: 'POST', path: '/v1/queries', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ phone: who.phone, idSuffix: who.idSuffix, code, consent: true })
})
const sendCodeRaw = (phone: string) => raw(sys.url, {
  method: 'POST', path: '/v1/verification-codes', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone })
})
/** what a client can observe: status, headers that are not per-response, body bytes */
const observable = (r: { status: number, headers: Record<string, unknown>, text: string }) => {
  const { date, connection, 'keep-alive': _k, ...headers } = r.headers
  return { status: r.status, headers, text: r.text }
}
const wrong = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')
const codeOf = (r: { text: string }) => JSON.parse(r.text).error?.code as string | undefined
const tally = (codes: (string | undefined)[]) => codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c ?? 'OK']: (t[c ?? 'OK'] ?? 0) + 1 }), {})

test('unknown number, wrong suffix and cancelled number: identical status, headers and body bytes, at every step', async () => {
  const people = [UNKNOWN, { ...ALICE, idSuffix: '99999X' }, CANCELLED]
  const codeAnswers = []
  const verifyAnswers = []
  for (const who of people) {
    sys.random.codes.push('424242')
    codeAnswers.push(observable(await sendCodeRaw(who.phone)))
    verifyAnswers.push(observable(await submitRaw(who, '424242')))
  }
  // the code request differs only in the masked number the caller typed himself
  const unmasked = codeAnswers.map(a => ({ ...a, text: a.text.replace(/"maskedPhone":"[^"]*"/, '"maskedPhone":"…"'), headers: { ...a.headers, 'content-length': undefined } }))
  expect(new Set(unmasked.map(a => JSON.stringify(a))).size).toBe(1)
  expect(unmasked[0]!.status).toBe(202)
  expect(new Set(verifyAnswers.map(a => JSON.stringify(a))).size).toBe(1)
  expect(verifyAnswers[0]!.status).toBe(403)
  expect(codeOf(verifyAnswers[0]!)).toBe('VERIFICATION_FAILED')
})

test('failures lock unknown, cancelled and wrong-suffix numbers alike: the lock tells nothing either', async () => {
  const people = [UNKNOWN, { ...BOB, idSuffix: '000000' }, CANCELLED]
  for (let round = 0; round < 5; round++) {
    for (const who of people) {
      sys.random.codes.push('515151')
      expect((await sendCodeRaw(who.phone)).status).toBe(202)
      expect(codeOf(await submitRaw(who, '515151'))).toBe('VERIFICATION_FAILED')
    }
    sys.clock.advance(61_000)
  }
  const locked = await Promise.all(people.map(who => submitRaw(who, '515151')))
  expect(new Set(locked.map(r => JSON.stringify(observable(r)))).size).toBe(1)
  expect(locked[0]!.status).toBe(429)
  expect(codeOf(locked[0]!)).toBe('RATE_LIMITED')
})

test(`${PARALLEL} concurrent wrong guesses: exactly five are counted, none gets through, then the right code fails too`, async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => submitRaw(ALICE, wrong(code, i))))
  expect(tally(answers.map(codeOf))).toEqual({ CODE_INVALID: PARALLEL })
  const [live] = (await sys.dump()).VerificationCodes!
  // a read-then-write counter would have let parallel requests all see "0 tries" and stop far below 5
  expect(live).toMatchObject({ tries: 5 })
  const right = await submitRaw(ALICE, code)
  expect(right.status).toBe(401)
  expect(codeOf(right)).toBe('CODE_INVALID')
  expect((await sys.dump()).Queries).toEqual([])
})

test(`${PARALLEL} concurrent submissions of the right code (a replayed request): exactly one query is accepted`, async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const answers = await Promise.all(Array.from({ length: PARALLEL }, () => submitRaw(ALICE, code)))
  const statuses = answers.map(a => a.status)
  expect(statuses.filter(s => s === 202)).toHaveLength(1)
  expect(tally(answers.filter(a => a.status !== 202).map(codeOf))).toEqual({ CODE_INVALID: PARALLEL - 1 })
  expect((await sys.dump()).Queries).toHaveLength(1)
})

test(`ID-suffix guessing in parallel: ${PARALLEL} wrong suffixes with a valid code give at most five verdicts, then a 24 h lock`, async () => {
  const code = await requestCodeAndRead(sys, BOB.phone)
  const guesses = Array.from({ length: PARALLEL }, (_, i) => ({ phone: BOB.phone, idSuffix: String(100000 + i) }))
  const answers = await Promise.all(guesses.map(g => submitRaw(g, code)))
  const counts = tally(answers.map(codeOf))
  // each guess spends a try of the code first: only five can be judged at all
  expect(counts.VERIFICATION_FAILED).toBe(5)
  expect(counts.VERIFICATION_FAILED! + (counts.CODE_INVALID ?? 0) + (counts.RATE_LIMITED ?? 0)).toBe(PARALLEL)
  // the right suffix with a fresh code: the number is locked for 24 h
  sys.clock.advance(61_000)
  const fresh = await requestCodeAndRead(sys, BOB.phone)
  const locked = await submitRaw(BOB, fresh)
  expect(locked.status).toBe(429)
  expect(Number(locked.headers['retry-after'])).toBeGreaterThan(23 * 3600)
})

test('a used code and a burned code never work again: not after a new code, not later, not retyped in another form', async () => {
  const used = await requestCodeAndRead(sys, ALICE.phone)
  expect((await submitRaw(ALICE, used)).status).toBe(202)
  const retyped = (c: string) => [c, ` ${c.slice(0, 3)} ${c.slice(3)} `, c.replace(/\d/g, d => String.fromCharCode(0xFF10 + Number(d)))]
  for (const form of retyped(used)) expect(codeOf(await submitRaw(ALICE, form))).toBe('CODE_INVALID')

  // burn the next code with five wrong tries
  sys.clock.advance(61_000)
  const burned = await requestCodeAndRead(sys, ALICE.phone)
  for (let i = 0; i < 5; i++) await submitRaw(ALICE, wrong(burned, i))
  for (const form of retyped(burned)) expect(codeOf(await submitRaw(ALICE, form))).toBe('CODE_INVALID')

  // a new code does not revive either, nor does time passing (short of the code's own expiry)
  sys.clock.advance(61_000)
  sys.random.codes.push(['111111', '222222', '333333'].find(c => c !== used && c !== burned)!)
  const fresh = await requestCodeAndRead(sys, ALICE.phone)
  sys.clock.advance(60_000)
  for (const old of [used, burned]) expect(codeOf(await submitRaw(ALICE, old))).toBe('CODE_INVALID')
  expect((await submitRaw(ALICE, fresh)).status).toBe(202)
  expect((await submitRaw(ALICE, fresh)).status).toBe(401)
  await waitFor(async () => (await call(sys.url, 'GET', '/v1/enterprises')).status === 200, 'still serving')
})
