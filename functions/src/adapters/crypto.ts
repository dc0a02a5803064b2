import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { Hasher, Random, Sealer } from '#ports'

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

/** AES-256-GCM under a key derived from the pepper: a case's number, unreadable without the secret. */
export function aesSealer (pepper: string): Sealer {
  const key = createHmac('sha256', pepper).update('case-phone-seal').digest()
  return {
    seal (plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    },
    open (sealed) {
      const raw = Buffer.from(sealed, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    }
  }
}
