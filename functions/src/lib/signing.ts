// The enterprise protocol's signatures, both ways, with one HMAC-SHA256 key per enterprise.
// - Requests: HMAC over "timestamp\nbody" (the body carries a fresh requestId), sent as
//   x-yzt-timestamp + x-yzt-signature; refused when unsigned, mismatched or more than 5 minutes off.
// - Answers: HMAC over "answer\nrequestId\nbody", sent as x-yzt-signature: an answer is bound to the
//   one request it answers (the prefix keeps a request signature from ever passing for an answer).
// An enterprise key is the enterprise's own (issued by `npm run enterprise -- add`, rotated alone by
// `… rotate`), or else derived from the master key, so an enterprise without one (every existing
// configuration, the local mocks) keeps working unchanged. During a rotation — of the master key or of
// an enterprise's own key — the previous key stays accepted (never used to sign) until its end.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-yzt-signature'
export const TIMESTAMP_HEADER = 'x-yzt-timestamp'
export const MAX_SKEW_MS = 5 * 60 * 1000

/** a key in force: `current` signs; `previous` is still accepted until `acceptUntil` (epoch ms) */
export interface RotatingKey {
  current: string
  previous?: { key: string, acceptUntil: number }
}

/** the master keys in force, and the enterprises' own keys where they have one (by enterprise id) */
export interface MasterKeys extends RotatingKey {
  enterprises?: Readonly<Record<string, RotatingKey>>
}

/** one enterprise's keys at a moment: the one to sign with, and every one to accept */
export interface EnterpriseKeys {
  signing: string
  accepted: string[]
}

export function enterpriseKey (masterKey: string, enterpriseId: string): string {
  return createHmac('sha256', masterKey).update(`enterprise\0${enterpriseId}`).digest('hex')
}

export function enterpriseKeys (master: MasterKeys, enterpriseId: string, now: number): EnterpriseKeys {
  const own = Object.hasOwn(master.enterprises ?? {}, enterpriseId) ? master.enterprises![enterpriseId] : undefined
  if (own) {
    const previous = own.previous && now < own.previous.acceptUntil ? [own.previous.key] : []
    return { signing: own.current, accepted: [own.current, ...previous] }
  }
  const signing = enterpriseKey(master.current, enterpriseId)
  const previous = master.previous && now < master.previous.acceptUntil ? [enterpriseKey(master.previous.key, enterpriseId)] : []
  return { signing, accepted: [signing, ...previous] }
}

export function sign (key: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${body}`).digest('hex')
}

export function signAnswer (key: string, requestId: string, body: string): string {
  return createHmac('sha256', key).update(`answer\n${requestId}\n${body}`).digest('hex')
}

/** the accepted key that signed this request, or undefined (unsigned, stale, or no key matches) */
export function verifyRequest (keys: readonly string[], timestamp: string | undefined, signature: string | undefined, body: string, now: number): string | undefined {
  if (!timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return undefined
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return undefined
  return keys.find(key => sameHex(sign(key, timestamp, body), signature))
}

/** true when one of the accepted keys signed this answer to this request */
export function verifyAnswer (keys: readonly string[], requestId: string, signature: string | undefined, body: string): boolean {
  if (!signature) return false
  return keys.some(key => sameHex(signAnswer(key, requestId, body), signature))
}

function sameHex (want: string, got: string): boolean {
  if (!/^[0-9a-f]+$/i.test(got)) return false
  const a = Buffer.from(want, 'hex')
  const b = Buffer.from(got, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Who may call a signed server-to-server route: carriers report number events, enterprises ask platform checks. */
export type CallerKind = 'carrier' | 'enterprise'
export const CALLER_HEADER = 'x-yzt-caller'

export function carrierKey (masterKey: string, carrierId: string): string {
  return createHmac('sha256', masterKey).update(`carrier\0${carrierId}`).digest('hex')
}

/** the keys a caller's request may be signed with now: its key under the current master key, and under the previous one during a rotation */
export function callerKeys (master: MasterKeys, kind: CallerKind, callerId: string, now: number): string[] {
  // an enterprise calls back with the key it is sent with: its own where it has one
  if (kind === 'enterprise') return enterpriseKeys(master, callerId, now).accepted
  const previous = master.previous && now < master.previous.acceptUntil ? [carrierKey(master.previous.key, callerId)] : []
  return [carrierKey(master.current, callerId), ...previous]
}

/** Inbound calls sign the method and the path too, so a signature is good for one request only. */
export function requestPayload (method: string, pathWithQuery: string, body: string): string {
  return `${method.toUpperCase()} ${pathWithQuery}\n${body}`
}

export function signedRequestHeaders (callerId: string, key: string, method: string, pathWithQuery: string, body: string, now: number): Record<string, string> {
  const timestamp = String(now)
  return {
    [CALLER_HEADER]: callerId,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: sign(key, timestamp, requestPayload(method, pathWithQuery, body))
  }
}
