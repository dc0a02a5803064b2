// From an accepted query to a queued result SMS. Safe to run twice for the same query:
// the claim and the completion are conditional, and the SMS id is derived from the query id.
import type { Catalogue } from '#catalogue/index'
import type { Clock, EnterpriseGateway, Hasher, QueryStore } from '#ports'
import type { EnterpriseBreakers } from './breaker'
import { askEnterprises, type FanOutOptions } from './fan-out'
import { newResultCode, resultCodeHash, RESULT_CODE_TTL_SECONDS } from './result-code'
import { chooseResultSms, DEFAULT_SIGNATURE, olderAccounts, smsTemplates, type SmsTemplates } from './sms-templates'
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
  /** keys the summary form's result code (the pepper) */
  hasher: Hasher
  /** the signature the SMS goes out with: it counts towards the full form's 3 segments */
  smsSignature?: string
}

// the templates of a catalogue, built once per catalogue object (the result template names every app)
const templatesOf = new WeakMap<Catalogue, SmsTemplates>()
function templatesFor (catalogue: Catalogue): SmsTemplates {
  let t = templatesOf.get(catalogue)
  if (!t) templatesOf.set(catalogue, t = smsTemplates(catalogue))
  return t
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
  const input = { catalogue: deps.catalogue, phone: recipient, results, processedAt, olderAccounts: olderAccounts(results, resultsSince) }
  const { sms, resultCode } = chooseResultSms(templatesFor(deps.catalogue), input, () => newResultCode(), deps.smsSignature ?? DEFAULT_SIGNATURE)
  const done = await deps.queries.complete(queryId, results, {
    id: resultSmsId(queryId), to: recipient, ...sms, queryId
  }, processedAt, resultCode === undefined
    ? undefined
    : { codeHash: resultCodeHash(deps.hasher, recipient, resultCode), expiresAt: processedAt + RESULT_CODE_TTL_SECONDS * 1000 })
  if (!done) return { status: 'skipped' }
  return { status: 'queued', unavailable: failures.map(f => f.enterpriseId) }
}
