// From an accepted query to a queued result SMS. Safe to run twice for the same query:
// the claim and the completion are conditional, and the SMS id is derived from the query id.
import type { Catalogue } from '#catalogue/index'
import type { Clock, EnterpriseGateway, QueryStore } from '#ports'
import type { EnterpriseBreakers } from './breaker'
import { askEnterprises, type FanOutOptions } from './fan-out'
import { olderAccounts, resultSms } from './sms-templates'
import { resultSmsId } from './receipts'

export interface ProcessingDeps {
  clock: Clock
  queries: QueryStore
  gateway: EnterpriseGateway
  catalogue: Catalogue
  fanOut?: FanOutOptions
  /** this container's circuit breakers; without them every enterprise is always asked */
  breakers?: EnterpriseBreakers
  /** when the number's current holder got it, if it was re-issued (the number lifecycle); else undefined */
  holderSince?: (phone: string) => Promise<number | undefined>
}

export type ProcessOutcome =
  | { status: 'queued', unavailable: string[] }
  | { status: 'skipped' }

export async function processQuery (deps: ProcessingDeps, queryId: string): Promise<ProcessOutcome> {
  // the breakers' shared state is read alongside the claim: no added wait
  const [recipient] = await Promise.all([deps.queries.claim(queryId, deps.clock.now()), deps.breakers?.refresh(deps.catalogue.enterprises.map(e => e.id))])
  if (!recipient) return { status: 'skipped' }
  const since = await deps.holderSince?.(recipient)
  const { results, resultsSince, failures } = await askEnterprises(deps.gateway, deps.catalogue, recipient, { breakers: deps.breakers, since, ...deps.fanOut })
  const processedAt = deps.clock.now()
  const sms = resultSms({ catalogue: deps.catalogue, phone: recipient, results, processedAt, olderAccounts: olderAccounts(results, resultsSince) })
  const done = await deps.queries.complete(queryId, results, {
    id: resultSmsId(queryId), to: recipient, ...sms, queryId
  }, processedAt)
  if (!done) return { status: 'skipped' }
  return { status: 'queued', unavailable: failures.map(f => f.enterpriseId) }
}
