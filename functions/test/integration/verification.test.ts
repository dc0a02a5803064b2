// Every rule of the code and verification policy, on DynamoDB Local, through the local API.
import * as http from 'node:http'
import { call, requestCodeAndRead, startTestSystem, waitFor, type Reply, type TestSystem } from '../support/harness'

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
/** a request from a chosen loopback address (Linux routes all of 127/8 to lo) */
async function callFrom (address: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const agent = new http.Agent({ localAddress: address } as http.AgentOptions)
  try {
    const text = JSON.stringify(body)
    const url = new URL(sys.url)
    return await new Promise<Reply>((resolve, reject) => {
      const req = http.request({
        host: url.hostname, port: url.port, path, method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }
      }, res => {
        const chunks: Buffer[] = []
        res.on('data', c => chunks.push(c))
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: JSON.parse(t), text: t })
        })
      })
      req.on('error', reject)
      req.end(text)
    })
  } finally { agent.destroy() }
}
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

  test('at most 5 in any hour and 10 in any 24 h per number, sliding; Retry-After is the longest refusing wait', async () => {
    const t0 = sys.clock.t
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) { statuses.push((await sendCode(ALICE.phone)).status); sys.clock.advance(61_000) }
    const sixth = await sendCode(ALICE.phone)
    expect([...statuses, sixth.status]).toEqual([202, 202, 202, 202, 202, 429])
    // the hour counts back from now, not from the top of the clock hour: the first leaves at t0 + 1 h
    expect(Number(sixth.headers.get('retry-after'))).toBe((t0 + HOUR - sys.clock.t) / 1000)
    sys.clock.t = t0 + HOUR
    expect((await sendCode(ALICE.phone)).status).toBe(202)
    // spread the rest of the day's ten over the next hours
    for (let i = 0; i < 4; i++) { sys.clock.advance(15 * MIN); expect((await sendCode(ALICE.phone)).status).toBe(202) }
    sys.clock.advance(15 * MIN)
    const daily = await sendCode(ALICE.phone)
    expect(daily.status).toBe(429)
    // both the hour (4 codes in it, one free) and the day (10) would be asked: only the day refuses
    expect(daily.body.error.retryAfterSeconds).toBe((t0 + 24 * HOUR - sys.clock.t) / 1000)
    sys.clock.t = t0 + 24 * HOUR
    expect((await sendCode(ALICE.phone)).status).toBe(202)
  })

  test('Retry-After is the longest of the refusing windows, not the first', async () => {
    const t0 = sys.clock.t
    // ten codes in ten hours, the last five within the last hour
    for (let i = 0; i < 5; i++) { expect((await sendCode(ALICE.phone)).status).toBe(202); sys.clock.advance(HOUR) }
    sys.clock.t = t0 + 9 * HOUR
    for (let i = 0; i < 5; i++) { expect((await sendCode(ALICE.phone)).status).toBe(202); sys.clock.advance(61_000) }
    // refused by the hour (first of the last five leaves in ~55 min) and by the day (first leaves in 15 h)
    const refused = await sendCode(ALICE.phone)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBe((t0 + 24 * HOUR - sys.clock.t) / 1000)
    expect(refused.body.error.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')))
  })

  test('a per-source-IP cap across numbers', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await sendCode(`1370000${String(i).padStart(4, '0')}`)).status)
    expect(statuses.slice(0, 30).every(s => s === 202)).toBe(true)
    expect(statuses[30]).toBe(429)
    sys.clock.advance(HOUR)
    expect((await sendCode('13700009999')).status).toBe(202)
  })

  test('the per-source cap counts a whole IPv4 /24 as one source, and X-Forwarded-For moves nothing', async () => {
    for (let i = 0; i < 30; i++) {
      const from = `127.0.42.${1 + (i % 200)}`
      const res = await callFrom(from, '/v1/verification-codes', { phone: `1370000${String(i).padStart(4, '0')}` }, { 'x-forwarded-for': `10.9.${i}.1` })
      expect(res.status).toBe(202)
    }
    // another address in the same /24, another forwarded-for: still the same source
    expect((await callFrom('127.0.42.250', '/v1/verification-codes', { phone: '13700009998' }, { 'x-forwarded-for': '8.8.8.8' })).status).toBe(429)
    // the next /24 is another source
    expect((await callFrom('127.0.43.1', '/v1/verification-codes', { phone: '13700009998' })).status).toBe(202)
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

  test('wrong suffixes back off stepwise (2 free, then 1 min, 5 min, 30 min), at most 5 verdicts in any 24 h', async () => {
    const wrongSuffix = { ...BOB, idSuffix: '000000' }
    const t1 = sys.clock.t
    let code = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(wrongSuffix, code)).status).toBe(403)
    sys.clock.advance(61_000)
    for (const wait of [60, 300, 1800]) {
      code = await requestCodeAndRead(sys, BOB.phone)
      expect((await submit(wrongSuffix, code)).status).toBe(403)
      // even the right suffix waits now; the refusal spends no try of the code
      const held = await submit(BOB, code)
      expect(held.status).toBe(429)
      expect(held.body.error.code).toBe('RATE_LIMITED')
      expect(held.headers.get('retry-after')).toBe(String(wait))
      sys.clock.advance(wait * 1000)
    }
    code = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(wrongSuffix, code)).status).toBe(403) // the fifth verdict
    const locked = await submit(BOB, code)
    expect(locked.status).toBe(429)
    // no sixth verdict until the first is 24 h old
    expect(Number(locked.headers.get('retry-after'))).toBe((t1 + 24 * HOUR - sys.clock.t) / 1000)
    sys.clock.t = t1 + 24 * HOUR
    const fresh = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(BOB, fresh)).status).toBe(202)
  })

  test('a success clears the backoff: a typo after it is free again', async () => {
    const wrongSuffix = { ...BOB, idSuffix: '000000' }
    const code = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(wrongSuffix, code)).status).toBe(403)
    expect((await submit(wrongSuffix, code)).status).toBe(403)
    sys.clock.advance(60_000)
    expect((await submit(BOB, code)).status).toBe(202)
    sys.clock.advance(61_000)
    const next = await requestCodeAndRead(sys, BOB.phone)
    expect((await submit(wrongSuffix, next)).status).toBe(403)
    expect((await submit(wrongSuffix, next)).status).toBe(403)
  })

  test('at most 3 accepted queries per number in any 24 h; the fourth keeps its code', async () => {
    const t0 = sys.clock.t
    for (let i = 0; i < 3; i++) {
      const code = await requestCodeAndRead(sys, ALICE.phone)
      expect((await submit(ALICE, code)).status).toBe(202)
      sys.clock.advance(61_000)
    }
    const code = await requestCodeAndRead(sys, ALICE.phone)
    const fourth = await submit(ALICE, code)
    expect(fourth.status).toBe(429)
    expect(fourth.body.error.code).toBe('RATE_LIMITED')
    expect(fourth.body.error.retryAfterSeconds).toBe((t0 + 24 * HOUR - sys.clock.t) / 1000)
    sys.clock.t = t0 + 24 * HOUR
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
