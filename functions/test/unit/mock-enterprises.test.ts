import { catalogue } from '../../src/catalogue/index'
import { enterpriseKey, sign, signAnswer, SIGNATURE_HEADER, TIMESTAMP_HEADER, type MasterKeys } from '../../src/lib/signing'
import { derivedCount, MockEnterprises } from '../../src/mock-enterprises/service'

const MASTER = 'test-master-key-0123456789'
const OLD_MASTER = 'test-old-master-key-9876543210'
const now = Date.parse('2027-07-21T02:00:00Z')
const mock = (keys: MasterKeys = { current: MASTER }) => new MockEnterprises({
  catalogue, masterKeys: () => keys, clock: { now: () => now }, bindings: { '13800005551': { xianyu: 4, qq: 2 } }
})

function signed (enterpriseId: string, body: string, at = now, key = enterpriseKey(MASTER, enterpriseId)) {
  return { [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: sign(key, String(at), body) }
}

const request = (phone = '13800005551', requestId = 'req-00000001') => JSON.stringify({ requestId, phone })
const body = request()

test('a signed request gets the seeded counts for exactly that enterprise\'s apps, signed for that request', async () => {
  const res = await mock().answer('alibaba', signed('alibaba', body), body)
  expect(res.status).toBe(200)
  expect(JSON.parse(res.body)).toEqual({ accounts: { xianyu: 4, taobao: 0, dingtalk: 0 } })
  expect(res.headers[SIGNATURE_HEADER]).toBe(signAnswer(enterpriseKey(MASTER, 'alibaba'), 'req-00000001', res.body))
})

test.each([
  ['unsigned', {}],
  ['signed with another enterprise\'s key', signed('alibaba', body, now, enterpriseKey(MASTER, 'tencent'))],
  ['signed for another body', signed('alibaba', request('13900007777'))],
  ['stale (6 minutes old)', signed('alibaba', body, now - 6 * 60_000)],
  ['from the future', signed('alibaba', body, now + 6 * 60_000)],
  ['signed with a retired key', signed('alibaba', body, now, enterpriseKey(OLD_MASTER, 'alibaba'))]
])('a request %s is refused', async (_what, headers) => {
  const res = await mock().answer('alibaba', headers, body)
  expect(res.status).toBe(401)
})

test('a request without a request id is refused', async () => {
  const bare = JSON.stringify({ phone: '13800005551' })
  expect((await mock().answer('alibaba', signed('alibaba', bare), bare)).status).toBe(400)
})

test('during a rotation the previous key is accepted until its end, and the answer is signed with the key the request used', async () => {
  const old = enterpriseKey(OLD_MASTER, 'jd')
  const rotating = mock({ current: MASTER, previous: { key: OLD_MASTER, acceptUntil: now + 1 } })
  const res = await rotating.answer('jd', signed('jd', body, now, old), body)
  expect(res.status).toBe(200)
  expect(res.headers[SIGNATURE_HEADER]).toBe(signAnswer(old, 'req-00000001', res.body))
  const over = mock({ current: MASTER, previous: { key: OLD_MASTER, acceptUntil: now } })
  expect((await over.answer('jd', signed('jd', body, now, old), body)).status).toBe(401)
})

test('the same request id twice gets the same answer; reused for another number it is refused', async () => {
  const m = mock()
  const first = await m.answer('tencent', signed('tencent', body), body)
  m.setFaults('tencent', { failRate: 1 })
  const again = await m.answer('tencent', signed('tencent', body, now + 1000), body)
  expect(again).toEqual(first)
  expect(m.served.tencent).toBe(1)
  const other = request('13900007777')
  expect((await m.answer('tencent', signed('tencent', other), other)).status).toBe(409)
})

test('numbers outside the seed get deterministic counts from the number', async () => {
  const a = await mock().answer('tencent', signed('tencent', request('13600001111', 'req-a0000001')), request('13600001111', 'req-a0000001'))
  const b = await mock().answer('tencent', signed('tencent', request('13600001111', 'req-b0000001')), request('13600001111', 'req-b0000001'))
  expect(a.body).toBe(b.body)
  expect(JSON.parse(a.body).accounts).toEqual({ qq: derivedCount('13600001111', 'qq'), wechat: derivedCount('13600001111', 'wechat') })
})

test('fault knobs: failure and malformed answers', async () => {
  const m = mock()
  m.setFaults('jd', { failRate: 1 })
  expect((await m.answer('jd', signed('jd', body), body)).status).toBe(500)
  m.setFaults('jd', { malformedRate: 1 })
  const garbledBody = request('13800005551', 'req-00000002')
  const garbled = await m.answer('jd', signed('jd', garbledBody), garbledBody)
  expect(garbled.status).toBe(200)
  expect(() => JSON.parse(garbled.body)).toThrow()
})

test('an unknown enterprise is 404', async () => {
  expect((await mock().answer('nobody', signed('nobody', body), body)).status).toBe(404)
})

test('the deployed mock (Lambda handler) passes the answer signature through API Gateway', async () => {
  const { handler } = await import('../../src/handlers/mock-enterprise')
  const { DEV_SECRETS } = await import('../../src/adapters/secrets')
  const key = enterpriseKey(DEV_SECRETS.enterpriseKey, 'tencent')
  const at = String(Date.now())
  const res = await handler({
    pathParameters: { enterpriseId: 'tencent' },
    headers: { [TIMESTAMP_HEADER]: at, [SIGNATURE_HEADER]: sign(key, at, body) },
    body,
    isBase64Encoded: false
  } as never)
  expect(res.statusCode).toBe(200)
  expect(res.headers[SIGNATURE_HEADER]).toBe(signAnswer(key, 'req-00000001', res.body))
})
