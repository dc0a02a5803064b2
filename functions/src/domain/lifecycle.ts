// The number lifecycle use cases: carriers record events; platforms ask whether numbers changed hands.
import { maskPhone } from '#contract/index'
import type { NumberCheck, NumberEvent, NumberEventResult, ReissueReadiness } from '#contract/lifecycle'
import { isPaused, type Catalogue } from '#catalogue/index'
import { timingSafeEqual } from 'node:crypto'
import type { CallerStore, Clock, Hasher, LifecycleStore, NewNotice, NoticeGateway, Random, ReleasedEntry } from '#ports'
import { carrierOf } from './carriers'
import { AppError, rateLimited } from './errors'
import {
  applyEvent, effectiveTime, LIFECYCLE_POLICY, readiness, reassignedSince,
  type NoticeState, type NumberHistory
} from './number-history'
import { chinaDate, chinaMidnight, DAY_MS } from './china-time'
import { mapLimited, withTries } from './pacing'
import { addWorkingDays } from './working-days'

export interface LifecycleDeps {
  clock: Clock
  random: Random
  hasher: Hasher
  lifecycle: LifecycleStore
  /** the callers' rate buckets and the platforms' audit */
  callerLedger: CallerStore
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
  // porting is reported by the carrier the number moves to; every other event by the one that holds it
  const owner = event.type === 'PORTED' ? carrierId : history?.carrierId ?? carrierOf(event.phone)
  if (owner !== carrierId) return { outcome: 'REJECTED', reason: 'OTHER_CARRIER' }
  if (event.type === 'REISSUED' && !event.idSuffix) return { outcome: 'REJECTED', reason: 'MISSING_ID_SUFFIX' }
  const id = eventIdentity(deps.hasher, carrierId, event)
  // a repeated id is told apart from the event it first named: only the identical event is a DUPLICATE
  const seen = async () => {
    const stored = await deps.lifecycle.eventContent(id.key, now)
    return stored === undefined ? undefined : stored === id.content ? 'DUPLICATE' as const : 'CONFLICT' as const
  }
  let current = history
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const at = effectiveTime(event.effectiveAt)
    const open = event.type === 'REISSUED' ? await noticeStates(deps, current) : []
    const decision = applyEvent(current, phoneHash, { type: event.type, at, carrierId }, now, open)
    if (decision.outcome === 'REJECTED') {
      // a repeat of an event already applied is a duplicate, not a rule breach (checked only here: cheap path first)
      const repeat = await seen()
      return repeat ? { outcome: repeat, ...(repeat === 'CONFLICT' && { reason: 'EVENT_ID_REUSED' }) } : decision
    }
    // a release, or a re-issue that came too early, goes to every enterprise now
    const notify = event.type === 'CANCELLED' || decision.outcome === 'FLAGGED'
    const notices = notify ? await newNotices(deps, event.phone, event.type === 'CANCELLED' ? 'RELEASED' : 'REISSUED', at, now) : []
    const next = notices.length && event.type === 'CANCELLED' ? { ...decision.history, noticeId: notices[0]!.noticeId } : decision.history
    const written = await deps.lifecycle.recordEvent({
      carrierId,
      eventKey: id.key,
      eventContent: id.content,
      previous: current,
      next,
      notices,
      released: event.type === 'CANCELLED' ? { effectiveAt: decision.history.releasedAt!, phone: event.phone } : undefined,
      // the carrier sends the new holder's suffix in clear over the signed channel; only its keyed hash is kept
      subscriber: { status: decision.history.status, idSuffixHash: event.type === 'REISSUED' ? deps.hasher.idSuffix(event.phone, event.idSuffix!) : undefined }
    }, now)
    if (written === 'EVENT_EXISTS') {
      const repeat = await seen()
      if (repeat) return { outcome: repeat, ...(repeat === 'CONFLICT' && { reason: 'EVENT_ID_REUSED' }) }
      continue // the mark expired between the write and the read: try again
    }
    if (written !== 'MOVED') return { outcome: decision.outcome, reason: decision.reason, history: written.recorded }
    // another writer moved this number's history since we read it: decide again on the new one
    current = (await deps.lifecycle.histories([phoneHash])).get(phoneHash)
  }
  return { outcome: 'REJECTED', reason: 'BUSY_RETRY_LATER' }
}

/**
 * An event id as stored: a keyed hash (a carrier's id may embed the number), and a keyed hash of the
 * event's content beside it, so that the same id naming another event is told apart from a retry.
 */
export function eventIdentity (hasher: Hasher, carrierId: string, event: NumberEvent): { key: string, content: string } {
  const key = hasher.fingerprint(`number-event\0${carrierId}\0${event.eventId}`)
  const content = hasher.fingerprint(['number-event-content', carrierId, event.eventId, event.phone, event.type,
    String(effectiveTime(event.effectiveAt)), event.idSuffix ?? ''].join('\0'))
  return { key, content }
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

/**
 * Numbers an enterprise may check per China day unless its configuration says otherwise: the rate
 * alone would let it ask about 28.8 million numbers a day (and null vs false tells where we hold history).
 */
export const DEFAULT_PLATFORM_DAILY_NUMBERS = 100_000

/** `route` names the interface in the caller's audit trail (the bulk check, or the CAMARA check of one number) */
export async function checkNumbers (deps: LifecycleDeps, enterpriseId: string, input: { since: string, numbers: readonly string[] }, route = 'number-checks'): Promise<NumberCheck[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const { catalogue } = await deps.enterprises()
  const quota = catalogue.enterprises.find(e => e.id === enterpriseId)?.platformDailyNumbers ?? DEFAULT_PLATFORM_DAILY_NUMBERS
  // counted before answering, each number of each call (a repeat costs again: it learns again)
  const counted = input.numbers.length <= quota && await deps.lifecycle.countNumbers(enterpriseId, chinaDate(now), input.numbers.length, quota, now)
  if (!counted) throw rateLimited(Math.max(1, Math.ceil((chinaMidnight(chinaDate(now)) + DAY_MS - now) / 1000)), `今日可查询的号码数（${quota}个）已用完，请明日再试`)
  const since = chinaMidnight(input.since)
  const hashes = input.numbers.map(n => deps.hasher.phone(n))
  const histories = await deps.lifecycle.histories(hashes)
  await deps.callerLedger.audit(enterpriseId, { at: now, route, numbers: input.numbers.length })
  return input.numbers.map((phone, i) => ({ phone, reassigned: reassignedSince(histories.get(hashes[i]!), since) }))
}

/** The released numbers we recorded on China day `date` (each with its effective time), in the order recorded. */
export async function releasedNumbers (deps: LifecycleDeps, enterpriseId: string, date: string): Promise<ReleasedEntry[]> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const entries: ReleasedEntry[] = []
  // a whole day, page after page (the feed's cursor serves one page per call)
  for (let after = 0, more = true; more;) {
    const page = await deps.lifecycle.releasedPage(date, after, now * 1000 + 999, FEED_PAGE)
    const kept = withoutCutTies(page)
    entries.push(...kept)
    more = page.more && kept.length > 0
    after = kept.at(-1)?.seq ?? after
  }
  await deps.callerLedger.audit(enterpriseId, { at: now, route: 'released-numbers', numbers: entries.length })
  return entries
}

export const FEED_PAGE = 500
/** an entry is served once this old: a write that took its time is never overtaken by a reader's cursor */
export const FEED_SETTLE_MS = 60_000

export interface FeedPage { entries: ReleasedEntry[], next: string, more: boolean }

/**
 * The feed after a cursor (empty: from the oldest day kept), one Query per call: what was recorded
 * after it, in the order recorded, with the cursor to pass next. A day is left once it is over.
 */
export async function releasedSince (deps: LifecycleDeps, enterpriseId: string, cursor: string): Promise<FeedPage> {
  const now = deps.clock.now()
  await spend(deps, `platform:${enterpriseId}`, PLATFORM_RATE, now)
  const oldest = chinaMidnight(chinaDate(now - LIFECYCLE_POLICY.releasedFeedDays * DAY_MS)) * 1000 - 1
  const after = cursor === '' ? oldest : openCursor(deps.hasher, cursor)
  if (after < oldest) throw new AppError('INVALID_INPUT', { fields: { since: `游标已超过${LIFECYCLE_POLICY.releasedFeedDays}天保留期，请以空游标从头读取` } })
  const settled = (now - FEED_SETTLE_MS) * 1000 + 999
  for (let from = after; ;) {
    const day = chinaDate(Math.floor((from + 1) / 1000))
    const nextDay = (chinaMidnight(day) + DAY_MS) * 1000 - 1
    const dayOver = settled >= nextDay
    const page = await deps.lifecycle.releasedPage(day, from, settled, FEED_PAGE)
    const entries = withoutCutTies(page)
    // a day with nothing more is left for the next only once it is over (one Query per page with entries)
    if (entries.length || !dayOver) {
      await deps.callerLedger.audit(enterpriseId, { at: now, route: 'released-numbers', numbers: entries.length })
      return { entries, next: sealCursor(deps.hasher, entries.at(-1)?.seq ?? from), more: page.more || (entries.length > 0 && dayOver) }
    }
    from = nextDay
  }
}

/** equal seqs (same ms, same draw) are served together: a page cut between them would skip one, so a cut page leaves its last seq for the next */
function withoutCutTies (page: { entries: ReleasedEntry[], more: boolean }): ReleasedEntry[] {
  if (!page.more || page.entries.length < 2) return page.entries
  const last = page.entries.at(-1)!.seq
  const kept = page.entries.filter(e => e.seq !== last)
  return kept.length ? kept : page.entries
}

// The cursor names a position in the feed (a seq), never a number; its MAC makes it tamper-evident.
function sealCursor (hasher: Hasher, seq: number): string {
  const body = Buffer.from(String(seq)).toString('base64url')
  return `${body}.${hasher.fingerprint(`released-feed-cursor\0${body}`).slice(0, 22)}`
}

function openCursor (hasher: Hasher, cursor: string): number {
  const [body, mac] = cursor.split('.')
  const seq = body ? Number(Buffer.from(body, 'base64url').toString('utf8')) : NaN
  const expected = body ? hasher.fingerprint(`released-feed-cursor\0${body}`).slice(0, 22) : ''
  if (!mac || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected)) || !Number.isSafeInteger(seq)) {
    throw new AppError('INVALID_INPUT', { fields: { since: '游标无效' } })
  }
  return seq
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
  const token = await deps.callerLedger.takeToken(bucket, spec, now)
  if (!token.ok) throw rateLimited(token.retryAfterSeconds)
}
