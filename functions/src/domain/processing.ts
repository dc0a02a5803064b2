// From an accepted query to a queued result SMS. Safe to run twice for the same query:
// the claim and the completion are conditional, and the SMS id is derived from the query id.
import type { Catalogue } from '#catalogue/index'
import type { Clock, EnterpriseGateway, QueryStore } from '#ports'
import { askEnterprises, type FanOutOptions } from './fan-out'
import { resultSms } from './sms-templates'

export interface ProcessingDeps {
  clock: Clock
  queries: QueryStore
  gateway: EnterpriseGateway
  catalogue: Catalogue
  fanOut?: FanOutOptions
}

export type ProcessOutcome =
  | { status: 'queued', unavailable: string[] }
  | { status: 'skipped' }

export async function processQuery (deps: ProcessingDeps, queryId: string): Promise<ProcessOutcome> {
  const recipient = await deps.queries.claim(queryId, deps.clock.now())
  if (!recipient) return { status: 'skipped' }
  const { results, failures } = await askEnterprises(deps.gateway, deps.catalogue, recipient, deps.fanOut)
  const processedAt = deps.clock.now()
  const sms = resultSms({ catalogue: deps.catalogue, phone: recipient, results, processedAt })
  const done = await deps.queries.complete(queryId, results, {
    id: `result-${queryId}`, to: recipient, ...sms, queryId
  }, processedAt)
  if (!done) return { status: 'skipped' }
  return { status: 'queued', unavailable: failures.map(f => f.enterpriseId) }
}
