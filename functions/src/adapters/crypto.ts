import { createHmac, randomInt, randomUUID } from 'node:crypto'
import type { Hasher, Random } from '#ports'

/** HMAC-SHA256 under a secret pepper: a leaked table cannot be reversed by trying all 10^11 numbers. */
export function hmacHasher (pepper: string): Hasher {
  const h = (domain: string, value: string) => createHmac('sha256', pepper).update(`${domain}\0${value}`).digest('base64url')
  return {
    phone: phone => h('phone', phone),
    idSuffix: (phone, idSuffix) => h('id-suffix', `${phone}\0${idSuffix}`),
    code: (phone, code) => h('code', `${phone}\0${code}`),
    requester: id => h('requester', id),
    fingerprint: value => h('fingerprint', value)
  }
}

export const cryptoRandom: Random = {
  code: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
  id: () => randomUUID()
}
