// The enterprises' account counts over the signed channel, and the circuit breakers' shared state.

export interface AccountCounts {
  accounts: Record<string, number>
  /** per app, the accounts bound since the moment asked about (absent when the enterprise did not say) */
  accountsSince?: Record<string, number>
}

export interface EnterpriseGateway {
  /** account counts per app id of this enterprise; throws on failure or malformed answers */
  countAccounts (enterpriseId: string, phone: string, signal: AbortSignal): Promise<Record<string, number>>
  /** the counts, and those bound since `since` (a re-issued number's holder start); a gateway that cannot ask omits it */
  countAccountsSince? (enterpriseId: string, phone: string, since: number, signal: AbortSignal): Promise<AccountCounts>
}

/** The circuit breakers' shared state: when each enterprise's open period ends (epoch ms). */
export interface BreakerStore {
  /** enterprise id → open until, for those with a stored open period (possibly already past) */
  openUntil (enterpriseIds: readonly string[]): Promise<Record<string, number>>
  /** records an open period; never shortens a longer one */
  open (enterpriseId: string, until: number, now: number): Promise<void>
  /** forgets an open period that has ended (a probe succeeded); a later one stays */
  close (enterpriseId: string, now: number): Promise<void>
}
