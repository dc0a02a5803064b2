// Requests to enterprises are signed: HMAC-SHA256 over "timestamp\nbody" with a key per enterprise.
// Each enterprise key is derived from one master key, so adding an enterprise needs no new secret.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-yzt-signature'
export const TIMESTAMP_HEADER = 'x-yzt-timestamp'
export const MAX_SKEW_MS = 5 * 60 * 1000

export function enterpriseKey (masterKey: string, enterpriseId: string): string {
  return createHmac('sha256', masterKey).update(`enterprise\0${enterpriseId}`).digest('hex')
}

export function sign (key: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${body}`).digest('hex')
}

export function verifySignature (key: string, timestamp: string | undefined, signature: string | undefined, body: string, now: number): boolean {
  if (!timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return false
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return false
  const want = Buffer.from(sign(key, timestamp, body), 'hex')
  const got = Buffer.from(signature, 'hex')
  return want.length === got.length && timingSafeEqual(want, got)
}

/** Who may call a signed server-to-server route: carriers report number events, enterprises ask platform checks. */
export type CallerKind = 'carrier' | 'enterprise'
export const CALLER_HEADER = 'x-yzt-caller'

export function carrierKey (masterKey: string, carrierId: string): string {
  return createHmac('sha256', masterKey).update(`carrier\0${carrierId}`).digest('hex')
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
