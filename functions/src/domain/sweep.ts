// Nothing holds a clear number past its bound, whatever fails. A query whose processing record was
// dead-lettered stays PROCESSING with its recipient; an SMS whose dispatch record was dead-lettered
// stays PENDING with its recipient and text. The sweep ends both as FAILED and drops the clear data.
// The bound is far beyond any healthy path (a query is processed in seconds; Lambda's retries of a
// failing record end within minutes), so it never races a living step; and each end is conditional,
// so a step that does finish late finds nothing to do (and one finishing first is left alone).
import type { Clock, OutboxStore, QueryStore } from '#ports'
import { POLICY } from './policy'

export interface SweepDeps {
  clock: Clock
  queries: QueryStore
  outbox: OutboxStore
}

export interface SweepOutcome { queries: number, messages: number }

export async function sweepStuck (deps: SweepDeps): Promise<SweepOutcome> {
  const now = deps.clock.now()
  const before = now - POLICY.stuck.afterMinutes * 60_000
  // messages first: ending a result SMS also ends its query
  const messages = await deps.outbox.failStuck(before, now)
  const queries = await deps.queries.failStuck(before, now)
  return { queries, messages }
}
