// The carrier port, both adapters: the subscriber table on DynamoDB Local, and the four carriers'
// signed HTTP endpoints (mocked, one server each, chosen by the number's prefix) — and the whole
// verification flow on either, chosen by configuration.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { carrierOf, CARRIERS, httpCarrierGateway, tableCarrierGateway, type CarrierId } from '../../src/adapters/carrier'
import { carrierKey } from '../../src/lib/signing'
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/lib/signing'
import { MockCarrier } from '../../src/mock-carriers/service'
import { call, requestCodeAndRead, startTestSystem, type TestSystem } from '../support/harness'

const KEY = 'a-master-key-for-the-carrier-tests'
const clock = { now: () => Date.now() }
const SUBSCRIBERS = [
  { phone: '13800005551', idSuffix: '12345X', status: 'active' },
  { phone: '13000002222', idSuffix: '654321', status: 'active' },
  { phone: '18900002222', idSuffix: '11111X', status: 'cancelled' },
  { phone: '19200004444', idSuffix: '222222', status: 'suspended' }
] as const

test('numbers route to their carrier by prefix', () => {
  expect(SUBSCRIBERS.map(s => carrierOf(s.phone))).toEqual(['cmcc', 'cucc', 'ctcc', 'cbn'])
  expect(carrierOf('14000000000')).toBeUndefined()
  expect(CARRIERS.map(c => c.name)).toEqual(['中国移动', '中国联通', '中国电信', '中国广电'])
})

describe('signed HTTP carriers', () => {
  const servers: http.Server[] = []
  const served: Record<string, number> = {}
  const endpoints: Partial<Record<CarrierId, string>> = {}
  const carriers: Partial<Record<CarrierId, MockCarrier>> = {}
  beforeAll(async () => {
    for (const id of CARRIERS.map(c => c.id) as CarrierId[]) {
      const carrier = carriers[id] = new MockCarrier(id, KEY, clock, SUBSCRIBERS)
      const server = http.createServer((req, res) => {
        let body = ''
        req.on('data', d => { body += d })
        req.on('end', () => {
          served[id] = (served[id] ?? 0) + 1
          const answer = carrier.answer(req.headers, body)
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
        })
      })
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      servers.push(server)
      endpoints[id] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/real-name`
    }
  })
  afterAll(async () => { for (const s of servers) await new Promise(resolve => s.close(resolve)) })

  test('answer status and whether the ID suffix matches, each from the carrier that serves the number', async () => {
    const gateway = httpCarrierGateway({ endpoints, masterKey: KEY, clock })
    expect(await gateway.check('13800005551', '12345X')).toEqual({ status: 'active', idSuffixMatches: true })
    expect(await gateway.check('13800005551', '123456')).toEqual({ status: 'active', idSuffixMatches: false })
    expect(await gateway.check('13000002222')).toEqual({ status: 'active', idSuffixMatches: false })
    expect(await gateway.check('18900002222', '11111X')).toEqual({ status: 'cancelled', idSuffixMatches: true })
    expect(await gateway.check('19200004444', '222222')).toEqual({ status: 'suspended', idSuffixMatches: true })
    expect(await gateway.check('13900009999', '000000')).toBeUndefined()
    expect(await gateway.check('14000000000')).toBeUndefined()
    expect(served).toEqual({ cmcc: 3, cucc: 1, ctcc: 1, cbn: 1 })
  })

  test('refuse unsigned, wrongly keyed and stale requests; a carrier that refuses is an error, not "no subscriber"', async () => {
    const post = (headers: Record<string, string>, body = '{"phone":"13800005551"}') =>
      fetch(endpoints.cmcc!, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(r => r.status)
    const now = String(Date.now())
    const old = String(Date.now() - 10 * 60_000)
    const body = '{"phone":"13800005551"}'
    expect(await post({})).toBe(401)
    expect(await post({ [TIMESTAMP_HEADER]: now, [SIGNATURE_HEADER]: sign(carrierKey('another-master-key-entirely', 'cmcc'), now, body) })).toBe(401)
    expect(await post({ [TIMESTAMP_HEADER]: old, [SIGNATURE_HEADER]: sign(carrierKey(KEY, 'cmcc'), old, body) })).toBe(401)
    // signed for another carrier: each carrier has its own key
    expect(await post({ [TIMESTAMP_HEADER]: now, [SIGNATURE_HEADER]: sign(carrierKey(KEY, 'cucc'), now, body) })).toBe(401)
    expect(await post({ [TIMESTAMP_HEADER]: now, [SIGNATURE_HEADER]: sign(carrierKey(KEY, 'cmcc'), now, body) })).toBe(200)
    const wrongKey = httpCarrierGateway({ endpoints, masterKey: 'another-master-key-entirely', clock })
    await expect(wrongKey.check('13800005551', '12345X')).rejects.toThrow('carrier cmcc: HTTP 401')
  })

  test('a carrier that re-issues a number answers for the new holder from then on (CARRIER_GATEWAY=http uses its own check)', async () => {
    const gateway = httpCarrierGateway({ endpoints, masterKey: KEY, clock })
    const event = carriers.ctcc!.reissue('18900002222', '97531X')
    expect(event).toMatchObject({ phone: '18900002222', type: 'REISSUED', idSuffix: '97531X' })
    expect(await gateway.check('18900002222', '97531X')).toEqual({ status: 'active', idSuffixMatches: true })
    expect(await gateway.check('18900002222', '11111X')).toEqual({ status: 'active', idSuffixMatches: false })
  })
})

describe('the subscriber table', () => {
  let sys: TestSystem
  afterAll(async () => { await sys?.stop() })

  test('answers the same questions from keyed hashes on DynamoDB Local', async () => {
    sys = await startTestSystem()
    const gateway = tableCarrierGateway(sys.runtime.subscribers, sys.runtime.hasher)
    expect(await gateway.check('13800005551', '12345X')).toEqual({ status: 'active', idSuffixMatches: true })
    expect(await gateway.check('13800005551', '12345Y')).toEqual({ status: 'active', idSuffixMatches: false })
    expect(await gateway.check('18900002222', '11111X')).toEqual({ status: 'cancelled', idSuffixMatches: true })
    expect(await gateway.check('13600001111', '000001')).toBeUndefined()
  })
})

describe.each(['table', 'http'])('the verification flow with CARRIER_GATEWAY=%s', mode => {
  let sys: TestSystem
  afterAll(async () => { await sys?.stop() })

  test('an active subscriber with the right suffix is accepted; a wrong suffix or a cancelled number is not', async () => {
    sys = await startTestSystem({ env: { ...process.env, CARRIER_GATEWAY: mode } })
    const submit = async (phone: string, idSuffix: string) => {
      sys.clock.advance(61_000) // past the resend cooldown
      const code = await requestCodeAndRead(sys, phone)
      return (await call(sys.url, 'POST', '/v1/queries', { phone, idSuffix, code, consent: true })).status
    }
    expect(await submit('13800005551', '12345X')).toBe(202)
    expect(await submit('13900007777', '000000')).toBe(403)
    expect(await submit('13900007777', '654321')).toBe(202)
    // a cancelled number gets the same 202 and no code SMS: the carrier said so
    expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: '18900002222' })).status).toBe(202)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(sys.sms.all().filter(m => m.to === '18900002222')).toHaveLength(0)
    // one check per code request and one per query, each at the number's own carrier
    expect(sys.carriers?.served).toEqual(mode === 'http' ? { cmcc: 6, ctcc: 1 } : undefined)
  })
})
