// Ask every enterprise at once; each gets a deadline and one retry. An enterprise that still
// fails makes its apps "unavailable": absence of an answer is not absence of accounts. An enterprise
// whose breaker is open is not asked at all: its apps are unavailable at once; nor is one the
// configuration has paused (its breaker is left as it is: a pause says nothing about its health).
import { isPaused, type Catalogue } from '#catalogue/index'
import type { EnterpriseGateway, QueryResults } from '#ports'
import type { EnterpriseBreakers } from './breaker'
import { POLICY } from './policy'

export interface FanOutOptions {
  deadlineMs?: number
  tries?: number
  breakers?: EnterpriseBreakers
  /** a re-issued number: also ask how many accounts were bound since its holder got it */
  since?: number
}

/** the failure reason of an enterprise skipped because its breaker is open */
export const CIRCUIT_OPEN = 'circuit open'
/** the failure reason of an enterprise skipped because the configuration has paused it */
export const PAUSED = 'paused'

export interface FanOutReport {
  results: QueryResults
  /** with `since`: per app, the accounts bound since then, where the enterprise said */
  resultsSince?: Record<string, number>
  failures: { enterpriseId: string, reason: string }[]
}

export async function askEnterprises (
  gateway: EnterpriseGateway,
  catalogue: Catalogue,
  phone: string,
  { deadlineMs = POLICY.enterprise.deadlineMs, tries = POLICY.enterprise.tries, breakers, since }: FanOutOptions = {}
): Promise<FanOutReport> {
  const answers = await Promise.all(catalogue.enterprises.map(async enterprise => {
    if (isPaused(catalogue, enterprise.id)) return { enterprise, counts: undefined, countsSince: undefined, failure: PAUSED }
    const verdict = breakers?.admit(enterprise.id) ?? 'call'
    if (verdict === 'skip') return { enterprise, counts: undefined, countsSince: undefined, failure: CIRCUIT_OPEN }
    // a probe is one try: against an enterprise still down it costs one deadline, not two
    const answer = await ask(enterprise, verdict === 'probe' ? 1 : tries)
    await breakers?.record(enterprise.id, answer.failure === undefined, verdict === 'probe')
    return answer
  }))
  async function ask (enterprise: Catalogue['enterprises'][number], tries: number) {
    let reason = ''
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        const signal = AbortSignal.timeout(deadlineMs)
        const { accounts: counts, accountsSince } = since !== undefined && gateway.countAccountsSince
          ? await gateway.countAccountsSince(enterprise.id, phone, since, signal)
          : { accounts: await gateway.countAccounts(enterprise.id, phone, signal), accountsSince: undefined }
        const missing = enterprise.apps.find(app => !isCount(counts[app.id]))
        if (missing) throw new Error(`no count for ${missing.id}`)
        return { enterprise, counts, countsSince: accountsSince, failure: undefined }
      } catch (err) {
        reason = errorReason(err)
      }
    }
    return { enterprise, counts: undefined, countsSince: undefined, failure: reason }
  }

  const results: QueryResults = {}
  const resultsSince: Record<string, number> = {}
  const failures: FanOutReport['failures'] = []
  for (const answer of answers) {
    for (const app of answer.enterprise.apps) {
      results[app.id] = answer.counts?.[app.id] ?? 'unavailable'
      // a since-count is believed only beside its own count and never above it
      const n = answer.countsSince?.[app.id]
      if (isCount(n) && isCount(answer.counts?.[app.id]) && n <= answer.counts![app.id]!) resultsSince[app.id] = n
    }
    if (answer.failure !== undefined) failures.push({ enterpriseId: answer.enterprise.id, reason: answer.failure })
  }
  return { results, ...(since !== undefined && { resultsSince }), failures }
}

function isCount (n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0
}

function errorReason (err: unknown): string {
  // DOMException (abort, timeout) is not always an Error instance: look at its name
  const { name, message } = (typeof err === 'object' && err !== null ? err : {}) as { name?: string, message?: string }
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout'
  return typeof message === 'string' ? message.slice(0, 200) : 'unknown'
}
