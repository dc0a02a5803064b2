// Who is asking: a source address reduced to its network, so that rotating addresses inside one
// IPv4 /24 or IPv6 /64 does not make a new source.
import { hmacHasher } from '../../src/adapters/crypto'
import { requesterOf, sourceNetwork } from '../../src/domain/requester'

test('IPv4: one /24 is one source', () => {
  expect(sourceNetwork('203.0.113.9')).toBe('203.0.113.0/24')
  expect(sourceNetwork('203.0.113.250')).toBe(sourceNetwork('203.0.113.9'))
  expect(sourceNetwork('203.0.114.9')).not.toBe(sourceNetwork('203.0.113.9'))
  expect(sourceNetwork('::ffff:203.0.113.9')).toBe('203.0.113.0/24')
})

test('IPv6: one /64 is one source, however the address is written', () => {
  const net = sourceNetwork('2001:db8:1:2:3:4:5:6')
  expect(net).toBe('2001:db8:1:2::/64')
  for (const same of ['2001:db8:1:2::9', '2001:0db8:0001:0002:ffff::', '2001:DB8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::1%eth0']) {
    expect(sourceNetwork(same)).toBe(net)
  }
  expect(sourceNetwork('2001:db8:1:3::1')).not.toBe(net)
  expect(sourceNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64')
  expect(sourceNetwork('::1')).toBe('0:0:0:0::/64')
})

test('anything else is one "unknown" source, never an error', () => {
  expect(sourceNetwork('')).toBe('unknown')
  expect(sourceNetwork('not-an-address')).toBe('unknown')
})

test('the requester is a keyed hash: no address in it; without a host-verified user its key is its source', () => {
  const hasher = hmacHasher('unit-pepper')
  const a = requesterOf(hasher, { sourceIp: '198.51.100.7' })
  expect(a).toEqual(requesterOf(hasher, { sourceIp: '198.51.100.200' }))
  expect(a.key).toBe(a.source)
  expect(JSON.stringify(a)).not.toContain('198.51')
  const user = requesterOf(hasher, { sourceIp: '198.51.100.7', user: 'weapp:openid-1' })
  expect(user.source).toBe(a.source)
  expect(user.key).not.toBe(a.key)
})
