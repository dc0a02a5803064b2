// The number lifecycle use cases: carriers record events; platforms ask whether numbers changed hands.
import { maskPhone } from '#contract/index'
import type { NumberCheck, NumberEvent, NumberEventResult, ReissueReadiness } from '#contract/lifecycle'
import { isPaused, type Catalogue } from '#catalogue/index'
import type { Clock, Hasher, LifecycleStore, NewNotice, NoticeGateway, Random } from '#ports'
import { carrierOf } from './carriers'
import { AppError, rateLimited } from './errors'
import {
  applyEvent, effectiveTime, LIFECYCLE_POLICY, readiness, reassignedSince,
  type NoticeState, type NumberHistory
} from './number-history'
import { chinaDate, chinaMidnight } from './china-time'
import { mapLimited, withTries } from './pacing'
import { addWorkingDays } from './working-days'

export interface LifecycleDeps {
  clock: Clock
  random: Random
  hasher: Hasher
  lifecycle: LifecycleStore
  /** the participating enterprises (the deployment's configuration, read when needed) */
  enterprises: () => Promise<{ catalogue: Catalogue }>
  /** public holidays (China dates) that do not count as working days */
  holidays?: ReadonlySet<string>
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
    const at = effectiveTime(event.effectiveAt)
    const open = event.type === 'REISSUED' ? await noticeStates(deps, current) : []
    const decision = applyEvent(current, phoneHash, { type: event.type, at, carrierId }, now, open)
    if (decision.outcome === 'REJECTED') {
      // a repeat of an event already applied is a duplicate, not a rule breach (checked only here: cheap path first)
      return await deps.lifecycle.eventSeen(carrierId, event.eventId, now) ? { outcome: 'DUPLICATE' } : decision
    }
    // a release, or a re-issue that came too early, goes to every enterprise now
    const notify = event.type === 'CANCELLED' || decision.outcome === 'FLAGGED'
    const notices = notify ? await newNotices(deps, event.phone, event.type === 'CANCELLED' ? 'RELEASED' : 'REISSUED', at, now) : []
    const next = notices.length && event.type === 'CANCELLED' ? { ...decision.history, noticeId: notices[0]!.noticeId } : decision.history
    const written = await deps.lifecycle.recordEvent({
      carrierId,
      eventId: event.eventId,
      previous: current,
      next,
      notices,
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
  const verdict = readiness(mine ? history : undefined, now, mine ? await noticeStates(deps, history) : [])
  return {
    maskedPhone: maskPhone(phone),
    readiness: verdict.ready ? 'READY' : 'NOT_READY',
    reasons: verdict.reasons,
    ...(mine && history?.releasedAt !== undefined && { releasedAt: new Date(history.releasedAt).toISOString() }),
    ...(verdict.quietUntil !== undefined && { quietUntil: new Date(verdict.quietUntil).toISOString() })
  }
}

/** `route` names the interface in the caller's audit trail (the bulk check, or the CAMARA check of one number) */
export async function checkNumbers (deps: LifecycleDeps, enterpriseId: string, input: { since: string, numbers: readonly string[] }, route = 'number-checks'): Promise<NumberCheck[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const since = chinaMidnight(input.since)
  const hashes = input.numbers.map(n => deps.hasher.phone(n))
  const histories = await deps.lifecycle.histories(hashes)
  await deps.lifecycle.audit(enterpriseId, { at: now, route, numbers: input.numbers.length })
  return input.numbers.map((phone, i) => ({ phone, reassigned: reassignedSince(histories.get(hashes[i]!), since) }))
}

export async function releasedNumbers (deps: LifecycleDeps, enterpriseId: string, date: string): Promise<string[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const numbers = await deps.lifecycle.releasedOn(date, now)
  await deps.lifecycle.audit(enterpriseId, { at: now, route: 'released-numbers', numbers: numbers.length })
  return numbers
}

async function newNotices (deps: LifecycleDeps, phone: string, event: NewNotice['event'], effectiveAt: number, now: number): Promise<NewNotice[]> {
  const noticeId = deps.random.id()
  const deadline = addWorkingDays(now, LIFECYCLE_POLICY.confirmWorkingDays, deps.holidays)
  const { catalogue } = await deps.enterprises()
  return catalogue.enterprises.map(e => ({ noticeId, enterpriseId: e.id, phone, event, effectiveAt, deadline }))
}

async function noticeStates (deps: LifecycleDeps, history: NumberHistory | undefined): Promise<NoticeState[]> {
  if (!history?.noticeId) return []
  const { catalogue } = await deps.enterprises()
  const records = await deps.lifecycle.notices(history.noticeId, catalogue.enterprises.map(e => e.id))
  const names = new Map(catalogue.enterprises.map(e => [e.id, e.name]))
  return records.map(r => ({ enterpriseName: names.get(r.enterpriseId) ?? r.enterpriseId, status: r.status, deadline: r.deadline }))
}

export interface NoticeDeps extends LifecycleDeps {
  notices: NoticeGateway
  sleep?: (ms: number) => Promise<void>
  deadlineMs?: number
}

export type NoticeOutcome = 'delivered' | 'undelivered' | 'retry-later' | 'skipped'

/**
 * Deliver one release notice to its enterprise: a few tries with backoff, then left PENDING for the
 * sweep; after an hour undelivered, the clear number goes (UNDELIVERED: its deadline still runs).
 */
export async function deliverNotice (deps: NoticeDeps, noticeId: string, enterpriseId: string): Promise<NoticeOutcome> {
  const notice = await deps.lifecycle.notice(noticeId, enterpriseId)
  if (!notice || notice.status !== 'PENDING' || !notice.phone) return 'skipped'
  if (deps.clock.now() - notice.createdAt > LIFECYCLE_POLICY.noticeClearMs) {
    return await deps.lifecycle.settleNotice(noticeId, enterpriseId, 'UNDELIVERED', deps.clock.now()) ? 'undelivered' : 'skipped'
  }
  // a paused enterprise gets nothing: the notice waits PENDING for the sweep, which delivers it once resumed
  if (isPaused((await deps.enterprises()).catalogue, enterpriseId)) return 'retry-later'
  const body = { eventId: noticeId, phone: notice.phone, event: notice.event, effectiveAt: new Date(notice.effectiveAt).toISOString() }
  const sent = await withTries({ tries: LIFECYCLE_POLICY.noticeTries, backoffMs: LIFECYCLE_POLICY.noticeBackoffMs, sleep: deps.sleep }, async () => {
    await deps.notices.sendNotice(enterpriseId, body, AbortSignal.timeout(deps.deadlineMs ?? 2000))
    return await deps.lifecycle.settleNotice(noticeId, enterpriseId, 'DELIVERED', deps.clock.now()) ? 'delivered' as const : 'skipped' as const
  })
  return sent.ok ? sent.value : 'retry-later'
}

/** The sweep: every notice still PENDING gets another round (or loses its clear number after an hour). */
export async function retryNotices (deps: NoticeDeps): Promise<Record<NoticeOutcome, number>> {
  const tally: Record<NoticeOutcome, number> = { delivered: 0, undelivered: 0, 'retry-later': 0, skipped: 0 }
  const pending = await deps.lifecycle.pendingNotices()
  await mapLimited(pending, 8, async p => { tally[await deliverNotice(deps, p.noticeId, p.enterpriseId)]++ })
  return tally
}

/** An enterprise confirms its own notice (the key names the enterprise; another's notice does not exist for it). */
export async function confirmNotice (deps: LifecycleDeps, enterpriseId: string, noticeId: string, counts: { bindingsRemoved: number, bindingsFrozen: number }) {
  const status = await deps.lifecycle.confirmNotice(noticeId, enterpriseId, counts, deps.clock.now())
  if (!status) throw new AppError('NOT_FOUND', { message: '未找到该通知' })
  return { eventId: noticeId, status }
}

async function spend (deps: LifecycleDeps, bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<void> {
  const token = await deps.lifecycle.takeToken(bucket, spec, now)
  if (!token.ok) throw rateLimited(token.retryAfterSeconds)
}
