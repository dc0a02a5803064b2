// The numbers behind every limit, in one place.
export const POLICY = {
  code: { ttlSeconds: 300, maxTries: 5, resendAfterSeconds: 60, perHour: 5, perDay: 10 },
  ip: { codesPerHour: 30 },
  verification: { maxFailures: 5, windowSeconds: 24 * 3600, lockSeconds: 24 * 3600 },
  query: { perDay: 3, retentionDays: 30 },
  sms: { retentionDays: 7, unsentRetentionDays: 2, sendTries: 3, backoffMs: 200 },
  enterprise: {
    deadlineMs: 2000,
    tries: 2,
    // 5 failed answers in a row open the breaker for 10 s; then one probe (a single try) at a time.
    // A probe outlives its deadline only if its container died: after 5 s another may go.
    breaker: { failuresToOpen: 5, openMs: 10_000, probeTimeoutMs: 5000, refreshMs: 1000 }
  }
} as const

export type Policy = typeof POLICY
