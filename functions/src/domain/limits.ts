// Every rate limit as a named spec (counter, window, ceiling, optional backoff), and the one pure
// rule that judges a sliding log of event times against it. The DynamoDB adapter keeps the logs and
// carries the specs out; nothing here knows how they are stored.
//
// Sliding logs instead of fixed windows: a limit counts the events of the last `windowSeconds`,
// whatever the clock reads, so no window edge ever doubles an allowance.
import { PUBLIC_LIMITS } from '#contract/rules'

export type LimitName =
  | 'CODE_COOLDOWN' | 'CODE_NUMBER_HOURLY' | 'CODE_NUMBER_DAILY' | 'CODE_SOURCE_HOURLY'
  | 'QUERY_DAILY' | 'CASE_DAILY' | 'VERIFY_NUMBER' | 'VERIFY_SOURCE'
  | 'DETAILS_NUMBER' | 'DETAILS_SOURCE_HOURLY'

export interface LimitSpec {
  readonly name: LimitName
  /** the counter's prefix in storage: one log per (counter, subject) */
  readonly counter: string
  readonly windowSeconds: number
  /** events allowed within the window (before backoff starts, when there is a backoff) */
  readonly ceiling: number
  /**
   * Stepwise backoff past the ceiling: the (ceiling + k + 1)-th event in the window waits
   * backoffSeconds[k] after the latest. Past the last step, nothing more until the oldest event
   * leaves the window: at most ceiling + backoffSeconds.length events in any window.
   */
  readonly backoffSeconds?: readonly number[]
}

const MIN = 60
const HOUR = 3600
const DAY = 24 * HOUR

export const LIMITS = {
  /** per number: one code SMS a minute, whoever asks */
  codeCooldown: { name: 'CODE_COOLDOWN', counter: 'code-gap', windowSeconds: MIN, ceiling: 1 },
  /** per number: the SMS-bombing ceiling, whoever asks */
  codeNumberHourly: { name: 'CODE_NUMBER_HOURLY', counter: 'code-n1h', windowSeconds: HOUR, ceiling: 5 },
  codeNumberDaily: { name: 'CODE_NUMBER_DAILY', counter: 'code-n24h', windowSeconds: DAY, ceiling: 10 },
  /** per source network, across numbers: SMS pumping from one place */
  codeSourceHourly: { name: 'CODE_SOURCE_HOURLY', counter: 'code-s1h', windowSeconds: HOUR, ceiling: 30 },
  /** per number: accepted queries */
  queryDaily: { name: 'QUERY_DAILY', counter: 'query-n24h', ...PUBLIC_LIMITS.queryDaily },
  /** per number: resolution cases opened */
  caseDaily: { name: 'CASE_DAILY', counter: 'case-n24h', ...PUBLIC_LIMITS.caseDaily },
  /**
   * per number: ID-suffix verdicts since the last success. Only a holder of the right code reaches a
   * verdict, so strangers cannot start this backoff. 2 free, then waits of 1 min, 5 min, 30 min:
   * at most 5 verdicts in any 24 h.
   */
  verifyNumber: { name: 'VERIFY_NUMBER', counter: 'judge-n', windowSeconds: DAY, ceiling: 2, backoffSeconds: [MIN, 5 * MIN, 30 * MIN] },
  /** per source network: wrong codes and wrong suffixes, across numbers. 10 free, then 1 min, 5 min, 30 min, 2 h: at most 14 in 24 h */
  verifySource: { name: 'VERIFY_SOURCE', counter: 'fail-s', windowSeconds: DAY, ceiling: 10, backoffSeconds: [MIN, 5 * MIN, 30 * MIN, 2 * HOUR] },
  /**
   * per number and requester (like a code's tries): wrong result codes (查看明细). A stranger spends
   * only his own tries on a number, never its owner's: 3 free, then waits of 1 min and 5 min
   */
  detailsNumber: { name: 'DETAILS_NUMBER', counter: 'rcode-nr', windowSeconds: DAY, ceiling: 3, backoffSeconds: [MIN, 5 * MIN] },
  /** per source network, across numbers: 查看明细 lookups, right or wrong (wrong ones count in VERIFY_SOURCE too) */
  detailsSourceHourly: { name: 'DETAILS_SOURCE_HOURLY', counter: 'rcode-s1h', windowSeconds: HOUR, ceiling: 30 }
} as const satisfies Record<string, LimitSpec>

/** one limit applied to one subject (a keyed hash: number, requester, source network, or a pair) */
export interface LimitCheck {
  readonly spec: LimitSpec
  readonly subject: string
}

export interface Refusal {
  readonly name: LimitName | 'CONTENDED'
  /** epoch ms from which this limit allows again */
  readonly retryAt: number
}

/** how many events a log must keep to judge its spec */
export function logLength (spec: LimitSpec): number {
  return spec.ceiling + (spec.backoffSeconds?.length ?? 0)
}

/** the events still inside the window, oldest first, at most logLength of them */
export function liveEvents (spec: LimitSpec, events: readonly number[], now: number): number[] {
  const since = now - spec.windowSeconds * 1000
  return events.filter(t => t > since).sort((a, b) => a - b).slice(-logLength(spec))
}

/** when the spec allows one more event, given the events so far: `now` or later */
export function allowedAt (spec: LimitSpec, events: readonly number[], now: number): number {
  const live = liveEvents(spec, events, now)
  const n = live.length
  if (n < spec.ceiling) return now
  const window = spec.windowSeconds * 1000
  // the moment enough old events have left the window to be under the ceiling again
  const belowCeiling = live[n - spec.ceiling]! + window
  const steps = spec.backoffSeconds ?? []
  if (n >= logLength(spec)) return Math.max(now, live[n - logLength(spec)]! + window)
  const step = steps[n - spec.ceiling]!
  return Math.max(now, Math.min(belowCeiling, live[n - 1]! + step * 1000))
}

/** what these limits refuse now, given their logs by name (an absent log has no events) */
export function refusalsOf (checks: readonly LimitCheck[], logs: ReadonlyMap<LimitName, { events: readonly number[] }>, now: number): Refusal[] {
  return checks.flatMap(c => {
    const retryAt = allowedAt(c.spec, logs.get(c.spec.name)?.events ?? [], now)
    return retryAt > now ? [{ name: c.spec.name, retryAt }] : []
  })
}

/** the log after one more event at `now` */
export function withEvent (spec: LimitSpec, events: readonly number[], now: number): number[] {
  return liveEvents(spec, [...events, now], now)
}

/** the real wait: the longest of the refusing windows, in whole seconds (at least 1) */
export function retryAfterSeconds (refusals: readonly Refusal[], now: number): number {
  const until = Math.max(...refusals.map(r => r.retryAt))
  return Math.max(1, Math.ceil((until - now) / 1000))
}
