// 查看明细: the number and the result code of a summary-form SMS open that query's counts per app.
// The code reached only the phone, so holding it proves the holder, like a verification code; and
// it is guarded like one (SECURITY.md §2–3): gates read first (a refused request spends nothing),
// wrong codes counted per (number, requester) and per source, never per number alone, so a stranger
// guessing at a number cannot lock its owner out of the code on the owner's phone.
import { maskPhone } from '#contract/index'
import type { QueryDetailsResponse } from '#contract/details'
import type { Catalogue } from '#catalogue/index'
import type { Clock, Hasher, QueryResults, ResultCodeStore, VerificationStore } from '#ports'
import { AppError, rateLimited } from './errors'
import { LIMITS, retryAfterSeconds, type LimitCheck, type Refusal } from './limits'
import type { Requester } from './requester'
import { resultCodeHash } from './result-code'
import { waitText } from './verification'

export interface QueryDetailsDeps {
  clock: Clock
  hasher: Hasher
  verification: Pick<VerificationStore, 'check' | 'take' | 'record'>
  resultCodes: ResultCodeStore
  catalogue: Catalogue
}

/** one wording for an unknown number, a wrong code and an expired one: the answer tells nothing */
export const RESULT_CODE_INVALID_MESSAGE = '结果码不正确或已过期（24小时内有效），请核对短信中的结果码。'

export function detailsLimits (hasher: Hasher, phoneHash: string, requester: Requester) {
  return {
    /** wrong codes of this requester on this number */
    tries: { spec: LIMITS.detailsNumber, subject: hasher.fingerprint(`details\0${phoneHash}\0${requester.key}`) } satisfies LimitCheck,
    /** wrong codes from this source, shared with wrong verification codes ("a wrong code counts like a wrong SMS code") */
    failures: { spec: LIMITS.verifySource, subject: requester.source } satisfies LimitCheck,
    /** every lookup from this source */
    lookups: { spec: LIMITS.detailsSourceHourly, subject: requester.source } satisfies LimitCheck
  }
}

export async function queryDetails (
  deps: QueryDetailsDeps,
  input: { phone: string, resultCode: string, requester: Requester }
): Promise<QueryDetailsResponse> {
  const now = deps.clock.now()
  const phoneHash = deps.hasher.phone(input.phone)
  const limits = detailsLimits(deps.hasher, phoneHash, input.requester)
  const gate = await deps.verification.check([limits.tries, limits.failures], now)
  if (gate.length) throw refused(gate, now)
  const lookup = await deps.verification.take([limits.lookups], now)
  if (!lookup.ok) throw refused(lookup.refusals, now)

  const wanted = resultCodeHash(deps.hasher, input.phone, input.resultCode)
  const match = await deps.resultCodes.find(wanted, now)
  if (!match) {
    // counted whatever the gates say now: a parallel burst is judged by the next request's gate
    await Promise.all([deps.verification.record(limits.tries, now), deps.verification.record(limits.failures, now)])
    throw new AppError('CODE_INVALID', { message: RESULT_CODE_INVALID_MESSAGE })
  }
  return { maskedPhone: maskPhone(input.phone), apps: appCounts(deps.catalogue, match.results) }
}

/** the figures the full form would carry, in SMS order; apps added to the catalogue after the query are not listed */
export function appCounts (catalogue: Catalogue, results: QueryResults): QueryDetailsResponse['apps'] {
  return catalogue.apps
    .filter(app => app.id in results)
    .map(app => {
      const n = results[app.id]
      return { appId: app.id, label: app.label, count: typeof n === 'number' ? n : null }
    })
}

function refused (refusals: Refusal[], now: number): AppError {
  const wait = retryAfterSeconds(refusals, now)
  if (refusals.every(r => r.name === 'CONTENDED')) return rateLimited(wait)
  if (refusals.every(r => r.name === 'DETAILS_SOURCE_HOURLY')) return rateLimited(wait, `查看明细过于频繁，请${waitText(wait)}后再试`)
  return rateLimited(wait, `结果码错误次数过多，请${waitText(wait)}后再试`)
}
