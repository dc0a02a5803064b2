// One logical submit = one idempotency key, reused on every retry until the outcome is known. A lost answer
// (timeout, dropped connection) therefore never turns into a second query or a "wrong code": the retry gets
// the first answer (same queryId) from the server.
import Taro from '@tarojs/taro'
import { ApiError, asApiError } from './api'

export type SubmitKind = 'codes' | 'queries' | 'cases'

const STORAGE = (kind: SubmitKind) => `yzt.idempotency.${kind}`
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

/** 32 characters of [A-Za-z0-9_-]. Not a secret: it only has to be unique per submit. */
export function newIdempotencyKey (): string {
  const bytes = new Uint8Array(32)
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto
  if (c?.getRandomValues) c.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  return Array.from(bytes, b => ALPHABET[b & 63]).join('')
}

// What was sent stays in memory only (storage holds the random key, never anything typed).
const inMemory = new Map<SubmitKind, { key: string, body: string }>()

/**
 * The key for this body: the same as last time while the body is unchanged, a new one when it changed.
 * After a restart the stored key of a submit whose outcome was never known is tried first (a different
 * body then gets IDEMPOTENCY_KEY_REUSED and a fresh key, see submitIdempotently).
 */
export function keyFor (kind: SubmitKind, body: unknown): string {
  const text = JSON.stringify(body)
  const known = inMemory.get(kind)
  if (known?.body === text) return known.key
  let key = ''
  if (!known) {
    try { key = String(Taro.getStorageSync(STORAGE(kind)) || '') } catch { key = '' }
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) key = newIdempotencyKey()
  inMemory.set(kind, { key, body: text })
  try { Taro.setStorageSync(STORAGE(kind), key) } catch { /* storage full or refused: the key still lives in memory */ }
  return key
}

/** The outcome is known (an answer came back): the next submit is a new one. */
export function settle (kind: SubmitKind): void {
  inMemory.delete(kind)
  try { Taro.removeStorageSync(STORAGE(kind)) } catch { /* nothing to clear */ }
}

export interface RetryPlan {
  /** waits before each check again, in ms; after the last one the caller gets OUTCOME_UNKNOWN */
  delaysMs: number[]
  /** told when the outcome became unknown and before each check again */
  onUnknown?: (attempt: number) => void
  sleep?: (ms: number) => Promise<void>
}

export const CHECK_AGAIN_MS = [1000, 2000, 4000, 8000, 15000]

/**
 * Sends `send(key)` and, while no answer arrives, sends it again with the same key. An answer (success or a
 * definite error) settles the submit; running out of retries leaves it unsettled so the next call (the
 * person tapping 重新确认) uses the same key again.
 */
export async function submitIdempotently<T> (
  kind: SubmitKind, body: unknown, send: (key: string) => Promise<T>, plan: RetryPlan = { delaysMs: CHECK_AGAIN_MS }
): Promise<T> {
  const sleep = plan.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)))
  let rekeyed = false
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await send(keyFor(kind, body))
      settle(kind)
      return result
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'IDEMPOTENCY_KEY_REUSED' && !rekeyed) {
        // a key left from an earlier, different submit: start this one afresh, once
        settle(kind)
        rekeyed = true
        attempt--
        continue
      }
      if (e.code !== 'NETWORK') { settle(kind); throw e }
      if (attempt >= plan.delaysMs.length) throw new ApiError('OUTCOME_UNKNOWN', 'outcome unknown')
      plan.onUnknown?.(attempt + 1)
      await sleep(plan.delaysMs[attempt])
    }
  }
}
