// The OAuth clients are the catalogue's enterprises: client_id is the enterprise id, and its
// client secret is derived from the key the enterprise signs with (lib/signing.ts: its own key where
// `npm run enterprise -- add` issued one, else the one derived from the master key), so registering an
// enterprise needs no new secret and a rotation of that key rotates its client secret with it (the
// previous one still accepted until the rotation's end). This is the one place that says how a
// client secret is made.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { callerKeys, enterpriseKeys, type MasterKeys } from './signing'

const CLIENT_ID = /^[a-z0-9-]{1,32}$/

/** the client secret that goes with an enterprise key (the onboarding command hands it over with the key) */
export function secretFromKey (key: string, enterpriseId: string): string {
  // a separate derivation: the client secret never equals, and never reveals, the signing key
  return createHmac('sha256', key).update(`oauth-client-secret\0${enterpriseId}`).digest('base64url')
}

/** the client secret an enterprise is given now (operations hand it over with its enterprise key) */
export function clientSecret (master: MasterKeys, enterpriseId: string, now: number): string {
  return secretFromKey(enterpriseKeys(master, enterpriseId, now).signing, enterpriseId)
}

/** every client secret accepted for this enterprise now: two during a master-key rotation */
export function clientSecrets (master: MasterKeys, enterpriseId: string, now: number): string[] {
  return callerKeys(master, 'enterprise', enterpriseId, now).map(key => secretFromKey(key, enterpriseId))
}

export function secretMatches (accepted: readonly string[], presented: string): boolean {
  const got = Buffer.from(presented, 'utf8')
  return accepted.some(secret => {
    const want = Buffer.from(secret, 'utf8')
    return want.length === got.length && timingSafeEqual(want, got)
  })
}

export type ClientAuth =
  | { ok: true, clientId: string, secret: string }
  | { ok: false, error: 'invalid_client' | 'invalid_request', description: string }

/**
 * RFC 6749 §2.3.1: HTTP Basic (client_secret_basic) or client_id/client_secret in the form
 * (client_secret_post), never both at once.
 */
export function clientAuthentication (authorization: string | undefined, form: URLSearchParams): ClientAuth {
  const inForm = form.has('client_id') || form.has('client_secret')
  const basic = /^Basic\s+([A-Za-z0-9+/]+=*)$/i.exec(authorization?.trim() ?? '')
  if (authorization !== undefined && inForm) return { ok: false, error: 'invalid_request', description: '客户端认证方式只能选一种' }
  let id: string | undefined
  let secret: string | undefined
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding
      try {
        id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
        secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))
      } catch { id = undefined }
    }
  } else if (authorization === undefined) {
    id = form.get('client_id') ?? undefined
    secret = form.get('client_secret') ?? undefined
  }
  if (!id || !secret || !CLIENT_ID.test(id) || secret.length > 256) return { ok: false, error: 'invalid_client', description: '客户端认证失败' }
  return { ok: true, clientId: id, secret }
}
