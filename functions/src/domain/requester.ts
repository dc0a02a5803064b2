// Who is asking: the value every verification rule counts per requester and per source.
import { isIPv4, isIPv6 } from 'node:net'
import type { Hasher } from '#ports'

export interface Requester {
  /** keyed hash of the source network: IPv4 /24 or IPv6 /64 (one household, office or phone) */
  readonly source: string
  /** keyed hash of who the per-requester counters count: a host-verified user, else the source */
  readonly key: string
}

/**
 * The network a source address belongs to. Everyone gets a /64 in IPv6 and addresses in one /24 are
 * cheap to rotate through, so a whole prefix counts as one source.
 */
export function sourceNetwork (address: string): string {
  const ip = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`
  if (isIPv6(ip)) return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`
  return 'unknown'
}

function expandIPv6 (ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::') as [string, string | undefined]
  const part = (s: string) => s ? s.split(':') : []
  const left = part(head)
  const right = part(tail ?? '')
  // an embedded IPv4 tail (::ffff:1.2.3.4 and friends) takes two groups
  const last = right.length ? right : left
  if (last.at(-1)?.includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number) as [number, number, number, number]
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16))
  }
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...fill, ...right].map(g => parseInt(g, 16).toString(16))
}

/** from the gateway's source address; `user` only when the host has vouched for it */
export function requesterOf (hasher: Hasher, input: { sourceIp: string, user?: string }): Requester {
  const source = hasher.requester(`net\0${sourceNetwork(input.sourceIp)}`)
  return { source, key: input.user === undefined ? source : hasher.requester(`user\0${input.user}`) }
}
