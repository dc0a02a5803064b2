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
// sources: each a different /24 on loopback
const GUESSER = '127.0.50.1'
const OWNER = '127.0.51.1'
const OWNER_2 = '127.0.52.1'
const ELSEWHERE = '127.0.53.1'

let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys.stop() })
afterAll(() => closeRawAgent())

const submitRaw = (who: { phone: string, idSuffix: string }, code: string, from?: string) => raw(sys.url, {
  from, method: 'POST', path: '/v1/queries', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ phone: who.phone, idSuffix: who.idSuffix, code, consent: true })
})
const sendCodeRaw = (phone: string, from?: string) => raw(sys.url, {
  from, method: 'POST', path: '/v1/verification-codes', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone })
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
  // each from its own source, so that only the per-number backoff is at work
  const from = (i: number) => `127.0.${60 + i}.1`
  // five verdicts, spaced by the backoff steps (free, free, 1 min, 5 min, 30 min)
  for (const wait of [0, 61, 61, 301, 1801]) {
    sys.clock.advance(wait * 1000)
    for (const [i, who] of people.entries()) {
      sys.random.codes.push('515151')
      expect((await sendCodeRaw(who.phone, from(i))).status).toBe(202)
      expect(codeOf(await submitRaw(who, '515151', from(i)))).toBe('VERIFICATION_FAILED')
    }
  }
  const locked = await Promise.all(people.map((who, i) => submitRaw(who, '515151', from(i))))
  expect(new Set(locked.map(r => JSON.stringify(observable(r)))).size).toBe(1)
  expect(locked[0]!.status).toBe(429)
  expect(codeOf(locked[0]!)).toBe('RATE_LIMITED')
})

test(`${PARALLEL} concurrent wrong guesses from one source: exactly five are counted, none gets through, the guesser is refused after, the owner's code still works`, async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => submitRaw(ALICE, wrong(code, i), GUESSER)))
  // wrong codes, and once the source's own failures are counted, 429 for that source
  const counts = tally(answers.map(codeOf))
  expect((counts.CODE_INVALID ?? 0) + (counts.RATE_LIMITED ?? 0)).toBe(PARALLEL)
  expect(counts.CODE_INVALID).toBeGreaterThanOrEqual(5)
  const [live] = (await sys.dump()).VerificationCodes!
  // a read-then-write counter would have let parallel requests all see "0 tries" and stop far below 5
  expect(live).toMatchObject({ total: 5 })
  expect(Object.values(live!.tries as Record<string, number>)).toEqual([5])
  // the guessing source gets nothing more, not even with the right code
  const right = await submitRaw(ALICE, code, GUESSER)
  expect(right.status).toBe(429)
  expect((await sys.dump()).Queries).toEqual([])
  // the holder of the phone, asking from its own address, is not affected
  expect((await submitRaw(ALICE, code, OWNER)).status).toBe(202)
})

test(`${PARALLEL} concurrent submissions of the right code (a replayed request): exactly one query is accepted`, async () => {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const answers = await Promise.all(Array.from({ length: PARALLEL }, () => submitRaw(ALICE, code)))
  const statuses = answers.map(a => a.status)
  expect(statuses.filter(s => s === 202)).toHaveLength(1)
  // the rest: the code is used (401), or refused while the first is being judged (429); never a 5xx
  const rest = tally(answers.filter(a => a.status !== 202).map(codeOf))
  expect((rest.CODE_INVALID ?? 0) + (rest.RATE_LIMITED ?? 0)).toBe(PARALLEL - 1)
  expect((await sys.dump()).Queries).toHaveLength(1)
})

test(`ID-suffix guessing in parallel: ${PARALLEL} wrong suffixes with a valid code give exactly the two free verdicts, then the backoff`, async () => {
  const code = await requestCodeAndRead(sys, BOB.phone)
  const guesses = Array.from({ length: PARALLEL }, (_, i) => ({ phone: BOB.phone, idSuffix: String(100000 + i) }))
  const answers = await Promise.all(guesses.map(g => submitRaw(g, code, GUESSER)))
  const counts = tally(answers.map(codeOf))
  // each guess spends a try of the code first (5 per requester), and each verdict is counted before
  // the suffix is judged: only the ceiling before the backoff (2) can be judged at all
  expect(counts.VERIFICATION_FAILED).toBe(2)
  expect(counts.VERIFICATION_FAILED! + (counts.CODE_INVALID ?? 0) + (counts.RATE_LIMITED ?? 0)).toBe(PARALLEL)
  // the number is now in its first backoff step, for everyone: the right suffix waits exactly 60 s
  const held = await submitRaw(BOB, code, OWNER)
  expect(held.status).toBe(429)
  expect(held.headers['retry-after']).toBe('60')
})

test('a used code never works again; a code one requester burned stays dead for that requester, in any form', async () => {
  const used = await requestCodeAndRead(sys, ALICE.phone)
  expect((await submitRaw(ALICE, used, OWNER)).status).toBe(202)
  const retyped = (c: string) => [c, ` ${c.slice(0, 3)} ${c.slice(3)} `, c.replace(/\d/g, d => String.fromCharCode(0xFF10 + Number(d)))]
  for (const form of retyped(used)) expect(codeOf(await submitRaw(ALICE, form, ELSEWHERE))).toBe('CODE_INVALID')

  // the owner burns its own tries on the next code with five typos
  sys.clock.advance(61_000)
  const burned = await requestCodeAndRead(sys, ALICE.phone)
  for (let i = 0; i < 5; i++) await submitRaw(ALICE, wrong(burned, i), OWNER)
  for (const form of retyped(burned)) expect(codeOf(await submitRaw(ALICE, form, OWNER))).toBe('CODE_INVALID')

  // a new code does not revive either, nor does time passing (short of the code's own expiry)
  sys.clock.advance(61_000)
  sys.random.codes.push(['111111', '222222', '333333'].find(c => c !== used && c !== burned)!)
  const fresh = await requestCodeAndRead(sys, ALICE.phone)
  sys.clock.advance(60_000)
  for (const old of [used, burned]) expect(codeOf(await submitRaw(ALICE, old, OWNER_2))).toBe('CODE_INVALID')
  expect((await submitRaw(ALICE, fresh, OWNER_2)).status).toBe(202)
  expect((await submitRaw(ALICE, fresh, OWNER_2)).status).toBe(401)
  await waitFor(async () => (await call(sys.url, 'GET', '/v1/enterprises')).status === 200, 'still serving')
})
