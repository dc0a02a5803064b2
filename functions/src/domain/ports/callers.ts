// The signed server-to-server routes' bookkeeping: replay marks, rate buckets, the platforms' audit.

export interface AuditEntry { at: number, route: string, numbers: number }

/** one answer's worth of a day's audit trail; `next` reads on where it ended */
export interface AuditPage { entries: AuditEntry[], next?: string }

/** The bookkeeping of the signed server-to-server calls: replay marks, rate buckets, the platforms' audit. */
export interface CallerStore {
  /** true the first time this request signature is seen within its validity */
  firstUse (signature: string, now: number): Promise<boolean>
  /** one token from a caller's bucket, or the wait until the next one */
  takeToken (bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<{ ok: true } | { ok: false, retryAfterSeconds: number }>
  /** one item per call: a day holds any number of them */
  audit (enterpriseId: string, entry: AuditEntry): Promise<void>
  /** a page of the enterprise's calls that China day, in call order; undefined for a cursor that is not one of this day's */
  auditOf (enterpriseId: string, date: string, cursor?: string): Promise<AuditPage | undefined>
}
