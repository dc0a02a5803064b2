// The numbers behind every limit, in one place.
export const POLICY = {
  code: { ttlSeconds: 300, maxTries: 5, resendAfterSeconds: 60, perHour: 5, perDay: 10 },
  ip: { codesPerHour: 30 },
  verification: { maxFailures: 5, windowSeconds: 24 * 3600, lockSeconds: 24 * 3600 },
  query: { perDay: 3, retentionDays: 30 },
  sms: { retentionDays: 7, unsentRetentionDays: 2, sendTries: 3, backoffMs: 200 },
  enterprise: { deadlineMs: 2000, tries: 2 },
  // a query or SMS still holding a clear number this long after it was written is ended as FAILED by
  // the sweep, which runs every sweepEveryMinutes: no clear number lives past 15 + 5 = 20 minutes
  stuck: { afterMinutes: 15, sweepEveryMinutes: 5 }
} as const

export type Policy = typeof POLICY
