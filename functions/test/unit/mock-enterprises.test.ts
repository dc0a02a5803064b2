import { catalogue } from '../../src/catalogue/index'
import { enterpriseKey, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/lib/signing'
import { derivedCount, MockEnterprises } from '../../src/mock-enterprises/service'

const MASTER = 'test-master-key-0123456789'
const now = Date.parse('2027-07-21T02:00:00Z')
const mock = () => new MockEnterprises({ catalogue, masterKey: MASTER, clock: { now: () => now }, bindings: { '13800005551': { xianyu: 4, qq: 2 } } })

function signed (enterpriseId: string, body: string, at = now, key = enterpriseKey(MASTER, enterpriseId)) {
  return { [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: sign(key, String(at), body) }
}

const body = JSON.stringify({ phone: '13800005551' })

test('a signed request gets the seeded counts for exactly that enterprise\'s apps', async () => {
  const res = await mock().answer('alibaba', signed('alibaba', body), body)
  expect(res.status).toBe(200)
  expect(JSON.parse(res.body)).toEqual({ accounts: { xianyu: 4, taobao: 0, dingtalk: 0 } })
})

test.each([
  ['unsigned', {}],
  ['signed with another enterprise\'s key', signed('alibaba', body, now, enterpriseKey(MASTER, 'tencent'))],
  ['signed for another body', signed('alibaba', JSON.stringify({ phone: '13900007777' }))],
  ['stale (6 minutes old)', signed('alibaba', body, now - 6 * 60_000)],
  ['from the future', signed('alibaba', body, now + 6 * 60_000)]
])('a request %s is refused', async (_what, headers) => {
  const res = await mock().answer('alibaba', headers, body)
  expect(res.status).toBe(401)
})

test('numbers outside the seed get deterministic counts from the number', async () => {
  const other = JSON.stringify({ phone: '13600001111' })
  const a = await mock().answer('tencent', signed('tencent', other), other)
  const b = await mock().answer('tencent', signed('tencent', other), other)
  expect(a.body).toBe(b.body)
  expect(JSON.parse(a.body).accounts).toEqual({ qq: derivedCount('13600001111', 'qq'), wechat: derivedCount('13600001111', 'wechat') })
})

test('fault knobs: failure and malformed answers', async () => {
  const m = mock()
  m.setFaults('jd', { failRate: 1 })
  expect((await m.answer('jd', signed('jd', body), body)).status).toBe(500)
  m.setFaults('jd', { malformedRate: 1 })
  const garbled = await m.answer('jd', signed('jd', body), body)
  expect(garbled.status).toBe(200)
  expect(() => JSON.parse(garbled.body)).toThrow()
})

test('an unknown enterprise is 404', async () => {
  expect((await mock().answer('nobody', signed('nobody', body), body)).status).toBe(404)
})
