// The numbers behind every rule, in one place. Rate limits are named specs in ./limits.
// The figures a person is told about come from the contract's rules (#contract/rules).
import { PUBLIC_LIMITS } from '../contract/rules'

export const POLICY = {
  code: {
    ttlSeconds: 300,
    /** a code keeps working until its number may get a new one, but never longer than this */
    maxLifeSeconds: 24 * 3600,
    /** tries each requester has on a live code: strangers' wrong tries never spend the owner's */
    triesPerRequester: 5,
    /** tries over all requesters on one code: 20 sources × 5 stay well below it */
    maxTries: 200
  },
  query: { retentionDays: 30 },
  idempotency: { ttlSeconds: 3600 },
  // tries per invocation; a message still unsent after them waits for the stream's retry (dispatch.ts).
  // Throttling of our account backs off longer (1 s, 2 s) than a network blip (200, 400 ms).
  sms: { retentionDays: 7, unsentRetentionDays: 2, sendTries: 3, backoffMs: 200, throttleBackoffMs: 1000 },
  enterprise: {
    deadlineMs: 2000,
    tries: 2,
    // 5 failed answers in a row open the breaker for 10 s; then one probe (a single try) at a time.
    // A probe outlives its deadline only if its container died: after 5 s another may go.
    breaker: { failuresToOpen: 5, openMs: 10_000, probeTimeoutMs: 5000, refreshMs: 1000 }
  },
  // a query or SMS still holding a clear number this long after it was written is ended as FAILED by
  // the sweep, which runs every sweepEveryMinutes: no clear number lives past 15 + 5 = 20 minutes
  stuck: { afterMinutes: 15, sweepEveryMinutes: 5 },
  cases: {
    acknowledgeHours: 24,
    /** the carriers' 二次号码焕新 standard */
    resolveWorkingDays: 5,
    /** a query accepted this recently proves the holder without a fresh code */
    recentVerificationMinutes: PUBLIC_LIMITS.recentVerificationMinutes,
    /** one SMS per case per hour at most; updates in between are joined */
    smsIntervalMs: 3600_000,
    /** after the last change (SECURITY.md says why) */
    retentionDays: 180,
    /** the clear number waits for delivery to the enterprise at most this long, then goes */
    clearNumberMs: 3600_000,
    /** an open (number, app) item blocks another for at most this long, whatever happens */
    openGuardDays: 30,
    dispute: { deadlineMs: 5000, tries: 3, backoffMs: 200 },
    sweepEveryMinutes: 5
  }
} as const

export type Policy = typeof POLICY
