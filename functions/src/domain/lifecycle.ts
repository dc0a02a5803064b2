// The number lifecycle use cases: carriers record events; platforms ask whether numbers changed hands.
import { maskPhone } from '#contract/index'
import type { NumberCheck, NumberEvent, NumberEventResult, ReissueReadiness } from '#contract/lifecycle'
import type { Clock, Hasher, LifecycleStore } from '#ports'
import { carrierOf } from './carriers'
import { rateLimited } from './errors'
import { applyEvent, chinaDate, chinaMidnight, effectiveTime, readiness, reassignedSince, type NumberHistory } from './number-history'

export interface LifecycleDeps {
  clock: Clock
  hasher: Hasher
  lifecycle: LifecycleStore
}

/** Per caller: a burst of 20 calls, then one every 3 s (1,000 numbers each: 20 million numbers a day). */
export const PLATFORM_RATE = { capacity: 20, perSecond: 1 / 3 }
export const CARRIER_RATE = { capacity: 60, perSecond: 2 }
const CONFLICT_RETRIES = 5

/**
 * Records a carrier's batch: events of one number in the order given, numbers side by side.
 * Each event is recorded at most once (per carrier and event id), whatever is retried.
 */
export async function recordNumberEvents (deps: LifecycleDeps, carrierId: string, events: readonly NumberEvent[]): Promise<NumberEventResult[]> {
  const now = deps.clock.now()
  await spend(deps, `carrier:${carrierId}`, CARRIER_RATE, now)
  const hashes = events.map(e => deps.hasher.phone(e.phone))
  const known = await deps.lifecycle.histories(hashes)
  const results = new Array<NumberEventResult>(events.length)
  const byNumber = new Map<string, number[]>()
  hashes.forEach((h, i) => byNumber.set(h, [...(byNumber.get(h) ?? []), i]))

  await mapLimited([...byNumber.entries()], 16, async ([phoneHash, indexes]) => {
    let history = known.get(phoneHash)
    for (const i of indexes) {
      const event = events[i]!
      const outcome = await recordOne(deps, carrierId, phoneHash, event, history, now)
      results[i] = { eventId: event.eventId, outcome: outcome.outcome, ...(outcome.reason && { reason: outcome.reason }) }
      if (outcome.history) history = outcome.history
    }
  })
  return results
}

async function recordOne (
  deps: LifecycleDeps, carrierId: string, phoneHash: string, event: NumberEvent, history: NumberHistory | undefined, now: number
): Promise<{ outcome: NumberEventResult['outcome'], reason?: string, history?: NumberHistory }> {
  const owner = history?.carrierId ?? carrierOf(event.phone)
  if (owner !== carrierId) return { outcome: 'REJECTED', reason: 'OTHER_CARRIER' }
  if (event.type === 'REISSUED' && !event.idSuffixHash) return { outcome: 'REJECTED', reason: 'MISSING_ID_SUFFIX_HASH' }
  let current = history
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const decision = applyEvent(current, phoneHash, { type: event.type, at: effectiveTime(event.effectiveAt), carrierId }, now)
    if (decision.outcome === 'REJECTED') {
      // a repeat of an event already applied is a duplicate, not a rule breach (checked only here: cheap path first)
      return await deps.lifecycle.eventSeen(carrierId, event.eventId, now) ? { outcome: 'DUPLICATE' } : decision
    }
    const written = await deps.lifecycle.recordEvent({
      carrierId,
      eventId: event.eventId,
      previous: current,
      next: decision.history,
      released: event.type === 'CANCELLED' ? { date: chinaDate(decision.history.releasedAt!), phone: event.phone } : undefined,
      subscriber: { status: decision.history.status, idSuffixHash: event.type === 'REISSUED' ? event.idSuffixHash : undefined }
    }, now)
    if (written === 'DUPLICATE') return { outcome: 'DUPLICATE' }
    if (written !== 'CONFLICT') return { outcome: decision.outcome, reason: decision.reason, history: written.recorded }
    // another writer moved this number's history since we read it: decide again on the new one
    current = (await deps.lifecycle.histories([phoneHash])).get(phoneHash)
  }
  return { outcome: 'REJECTED', reason: 'BUSY_RETRY_LATER' }
}

export async function reissueReadiness (deps: LifecycleDeps, carrierId: string, phone: string): Promise<ReissueReadiness> {
  const now = deps.clock.now()
  await spend(deps, `carrier:${carrierId}`, CARRIER_RATE, now)
  const history = (await deps.lifecycle.histories([deps.hasher.phone(phone)])).get(deps.hasher.phone(phone))
  // another carrier's number is answered exactly like an unknown one
  const mine = history ? history.carrierId === carrierId : carrierOf(phone) === carrierId
  const verdict = readiness(mine ? history : undefined, now)
  return {
    maskedPhone: maskPhone(phone),
    readiness: verdict.ready ? 'READY' : 'NOT_READY',
    reasons: verdict.reasons,
    ...(mine && history?.releasedAt !== undefined && { releasedAt: new Date(history.releasedAt).toISOString() }),
    ...(verdict.quietUntil !== undefined && { quietUntil: new Date(verdict.quietUntil).toISOString() })
  }
}

export async function checkNumbers (deps: LifecycleDeps, enterpriseId: string, input: { since: string, numbers: readonly string[] }): Promise<NumberCheck[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const since = chinaMidnight(input.since)
  const hashes = input.numbers.map(n => deps.hasher.phone(n))
  const histories = await deps.lifecycle.histories(hashes)
  await deps.lifecycle.audit(enterpriseId, { at: now, route: 'number-checks', numbers: input.numbers.length })
  return input.numbers.map((phone, i) => ({ phone, reassigned: reassignedSince(histories.get(hashes[i]!), since) }))
}

export async function releasedNumbers (deps: LifecycleDeps, enterpriseId: string, date: string): Promise<string[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const numbers = await deps.lifecycle.releasedOn(date, now)
  await deps.lifecycle.audit(enterpriseId, { at: now, route: 'released-numbers', numbers: numbers.length })
  return numbers
}

async function spend (deps: LifecycleDeps, bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<void> {
  const token = await deps.lifecycle.takeToken(bucket, spec, now)
  if (!token.ok) throw rateLimited(token.retryAfterSeconds)
}

async function mapLimited<T> (items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!)
  }))
}
