// Every rule of the code and verification policy, on DynamoDB Local, through the local API.
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' } // active
const BOB = { phone: '13900007777', idSuffix: '654321' } // active
const CANCELLED = { phone: '18900002222', idSuffix: '11111X' }
const SUSPENDED = { phone: '15000003333', idSuffix: '222222' }
const UNKNOWN = { phone: '13700001234', idSuffix: '123456' }
const MIN = 60_000
const HOUR = 3600_000

let sys: TestSystem
beforeEach(async () => { sys = await startTestSystem() })
afterEach(async () => { await sys.stop() })

const sendCode = (phone: string, headers?: Record<string, string>) => call(sys.url, 'POST', '/v1/verification-codes', { phone }, headers)
const submit = (who: { phone: string, idSuffix: string }, code: string) =>
  call(sys.url, 'POST', '/v1/queries', { phone: who.phone, idSuffix: who.idSuffix, code, consent: true })
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('verification codes', () => {
  test('a subscriber gets a 6-digit code by SMS; only its keyed hash is stored', async () => {
    const res = await sendCode(ALICE.phone)
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ maskedPhone: '138****5551', expiresInSeconds: 300, resendAfterSeconds: 60 })
    const code = await waitFor(() => sys.sms.all().find(m => m.to === ALICE.phone)?.text.match(/验证码为(\d{6})/)?.[1], 'code SMS')
    const stored = JSON.stringify((await sys.dump()).VerificationCodes)
    expect(stored).not.toContain(code)
    expect(stored).not.toContain(ALICE.phone)
  })

  test('a number that is not a subscriber gets the same answer and no SMS', async () => {
    const known = await sendCode(ALICE.phone)
    const unknown = await sendCode(UNKNOWN.phone)
    expect(unknown.status).toBe(known.status)
    expect(unknown.body).toEqual({ ...known.body, maskedPhone: '137****1234' })
    await waitFor(() => sys.sms.all().some(m => m.to === ALICE.phone), 'known SMS')
    expect(sys.sms.all().some(m => m.to === UNKNOWN.phone)).toBe(false)
  })

  test('valid for 5 minutes', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    sys.clock.advance(5 * MIN + 1000)
    const res = await submit(ALICE, code)
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('CODE_INVALID')
  })

  test('single use: a successful query consumes the code', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    expect((await submit(ALICE, code)).status).toBe(202)
    const again = await submit(ALICE, code)
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('CODE_INVALID')
  })

  test('burned after 5 wrong tries, even for the right code after', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    for (let i = 0; i < 5; i++) expect((await submit(ALICE, wrong(code))).body.error.code).toBe('CODE_INVALID')
    expect((await submit(ALICE, code)).body.error.code).toBe('CODE_INVALID')
  })

  test('4 wrong tries still leave the fifth for the right code', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    for (let i = 0; i < 4; i++) await submit(ALICE, wrong(code))
    expect((await submit(ALICE, code)).status).toBe(202)
  })

  test('a new code replaces the old one', async () => {
    const first = await requestCodeAndRead(sys, ALICE.phone)
    sys.clock.advance(61_000)
    sys.random.codes.push(first === '111111' ? '222222' : '111111')
    const second = await requestCodeAndRead(sys, ALICE.phone)
    expect((await submit(ALICE, first)).body.error.code).toBe('CODE_INVALID')
    expect((await submit(ALICE, second)).status).toBe(202)
  })

  test('resend no sooner than 60 s, with Retry-After', async () => {
    expect((await sendCode(ALICE.phone)).status).toBe(202)
    sys.clock.advance(45_000)
    const early = await sendCode(ALICE.phone)
    expect(early.status).toBe(429)
    expect(early.body.error.code).toBe('RATE_LIMITED')
    expect(early.headers.get('retry-after')).toBe('15')
    expect(early.body.error.retryAfterSeconds).toBe(15)
    sys.clock.advance(15_000)
    expect((await sendCode(ALICE.phone)).status).toBe(202)
  })

  test('at most 5 an hour and 10 a day per number', async () => {
    sys.clock.t = Date.parse('2026-07-21T01:00:00+08:00')
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) { statuses.push((await sendCode(ALICE.phone)).status); sys.clock.advance(61_000) }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
    sys.clock.t = Date.parse('2026-07-21T02:00:00+08:00')
    for (let i = 0; i < 6; i++) { statuses.push((await sendCode(ALICE.phone)).status); sys.clock.advance(61_000) }
    expect(statuses.slice(6)).toEqual([202, 202, 202, 202, 202, 429])
    sys.clock.t = Date.parse('2026-07-21T03:00:00+08:00')
    const daily = await sendCode(ALICE.phone)
    expect(daily.status).toBe(429)
    // the day ends at midnight China time
    expect(daily.body.error.retryAfterSeconds).toBe(21 * 3600)
    sys.clock.t = Date.parse('2026-07-22T00:00:01+08:00')
    expect((await sendCode(ALICE.phone)).status).toBe(202)
  })

  test('a per-source-IP cap across numbers', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await sendCode(`1370000${String(i).padStart(4, '0')}`)).status)
    expect(statuses.slice(0, 30).every(s => s === 202)).toBe(true)
    expect(statuses[30]).toBe(429)
    sys.clock.advance(HOUR)
    expect((await sendCode('13700009999')).status).toBe(202)
  })

  test('a refused code request writes nothing', async () => {
    await requestCodeAndRead(sys, ALICE.phone)
    const before = await waitFor(async () => {
      const tables = await sys.dump()
      return tables.SmsOutbox!.every(m => m.status === 'DELIVERED') ? tables : undefined
    }, 'code SMS recorded as sent')
    sys.clock.advance(10_000)
    expect((await sendCode(ALICE.phone)).status).toBe(429)
    expect(await sys.dump()).toEqual(before)
  })
})

describe('verification', () => {
  test('unknown number, wrong suffix, cancelled and suspended numbers answer byte-identically', async () => {
    const bodies: string[] = []
    for (const who of [UNKNOWN, { ...ALICE, idSuffix: '99999X' }, CANCELLED, SUSPENDED]) {
      sys.random.codes.push('424242')
      await sendCode(who.phone)
      const res = await submit(who, '424242')
      expect(res.status).toBe(403)
      bodies.push(res.text)
    }
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'VERIFICATION_FAILED', message: expect.stringMatching(/核验/) } })
  })

  test('five failures in 24 h lock the number for 24 h', async () => {
    const wrongSuffix = { ...BOB, idSuffix: '000000' }
    for (let i = 0; i < 5; i++) {
      const code = await requestCodeAndRead(sys, BOB.phone)
      expect((await submit(wrongSuffix, code)).status).toBe(403)
      sys.clock.advance(15 * MIN) // stay under the hourly code limit
    }
    const code = await requestCodeAndRead(sys, BOB.phone)
    const locked = await submit(BOB, code)
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('RATE_LIMITED')
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(23 * 3600)
    sys.clock.advance(24 * HOUR)
    const fresh = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(BOB, fresh)).status).toBe(202)
  })

  test('failures older than 24 h do not count', async () => {
    const wrongSuffix = { ...BOB, idSuffix: '000000' }
    for (let i = 0; i < 4; i++) {
      const code = await requestCodeAndRead(sys, BOB.phone)
      await submit(wrongSuffix, code)
      sys.clock.advance(15 * MIN)
    }
    sys.clock.advance(24 * HOUR)
    const code = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(wrongSuffix, code)).status).toBe(403)
    sys.clock.advance(61_000)
    const next = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(BOB, next)).status).toBe(202)
  })

  test('at most 3 accepted queries per number per day; the fourth keeps its code', async () => {
    for (let i = 0; i < 3; i++) {
      const code = await requestCodeAndRead(sys, ALICE.phone)
      expect((await submit(ALICE, code)).status).toBe(202)
      sys.clock.advance(61_000)
    }
    const code = await requestCodeAndRead(sys, ALICE.phone)
    const fourth = await submit(ALICE, code)
    expect(fourth.status).toBe(429)
    expect(fourth.body.error.code).toBe('RATE_LIMITED')
    sys.clock.t = Date.parse('2026-07-22T00:00:00+08:00')
    sys.clock.advance(0)
    const next = await requestCodeAndRead(sys, ALICE.phone)
    expect((await submit(ALICE, next)).status).toBe(202)
  })
})

describe('privacy at rest', () => {
  test('no number, ID suffix or code in any table once the result is sent; TTLs everywhere', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    const { body } = await submit(ALICE, code)
    await waitFor(async () => (await call(sys.url, 'GET', `/v1/queries/${body.queryId}`)).body.status === 'DELIVERED', 'DELIVERED')
    const tables = await sys.dump()
    const all = JSON.stringify(tables)
    for (const secret of [ALICE.phone, ALICE.idSuffix, code, BOB.phone]) expect(all).not.toContain(secret)
    const result = tables.SmsOutbox!.find(m => m.template === 'result')!
    expect(result).toMatchObject({ status: 'DELIVERED', maskedTo: '138****5551' })
    expect(result).not.toHaveProperty('to')
    expect(result).not.toHaveProperty('text')
    expect(tables.Queries![0]).not.toHaveProperty('recipient')
    const now = Math.floor(sys.clock.now() / 1000)
    expect(tables.Queries![0]!.expiresAt).toBe(Math.floor(Date.parse('2026-07-21T02:00:00Z') / 1000) + 30 * 86400)
    expect(result.expiresAt).toBeGreaterThanOrEqual(now + 7 * 86400 - 5)
    for (const name of ['VerificationCodes', 'Limits', 'Queries', 'SmsOutbox']) {
      for (const item of tables[name]!) expect(item.expiresAt).toEqual(expect.any(Number))
    }
  })

  test('an expired query is gone even before DynamoDB deletes it', async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    const { body } = await submit(ALICE, code)
    expect((await call(sys.url, 'GET', `/v1/queries/${body.queryId}`)).status).toBe(200)
    sys.clock.advance(31 * 24 * HOUR)
    expect((await call(sys.url, 'GET', `/v1/queries/${body.queryId}`)).status).toBe(404)
  })
})
