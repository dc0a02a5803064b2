// Binding alerts (绑定提醒) over the ports: the holder turns them on or off (verified like a query,
// the code consumed with the change); each enterprise syncs the subscribed numbers as HMACs under its
// own key and reports new bindings of them; each binding becomes an SMS within minutes, at most
// ALERTS_PER_DAY a China day per number and none in quiet hours (held, then folded into one SMS).
import { createHmac } from 'node:crypto'
import {
  ALERTS_PER_DAY, CURSOR_PATTERN, MAX_EVENT_AGE_HOURS, QUIET_FROM_HOUR, QUIET_UNTIL_HOUR, SUBSCRIPTIONS_PAGE_SIZE,
  type BindingAlertsRequest, type BindingAlertsResponse, type BindingEvent, type BindingEventResult, type SubscriptionsPage
} from '#contract/alerts'
import { appName } from '#contract/cases'
import { maskPhone } from '#contract/index'
import type { Catalogue } from '#catalogue/index'
import type { AlertState, AlertStore, LifecycleStore, Sealer, StoredBindingEvent } from '#ports'
import { chinaDate, chinaMidnight, chinaMonthDay, DAY_MS } from './china-time'
import { AppError, rateLimited } from './errors'
import { mapLimited } from './pacing'
import type { Requester } from './requester'
import type { SmsContent } from './sms-templates'
import { verifyHolder, verifyNumber, type VerificationDeps } from './verification'

export interface AlertStepDeps {
  clock: VerificationDeps['clock']
  random: VerificationDeps['random']
  hasher: VerificationDeps['hasher']
  alerts: AlertStore
  sealer: Sealer
  enterprises: () => Promise<{ catalogue: Catalogue }>
}

export interface AlertDeps extends VerificationDeps, AlertStepDeps {
  /** the key an enterprise computes its subscription HMACs with (derived from its signing key) */
  subscriptionKey: (enterpriseId: string) => Promise<string>
  /** rate buckets of the signed routes */
  lifecycle: LifecycleStore
}

/** Per enterprise: a burst of 20 batches, then 5 a second (5,000 events/s, 3× the bench's 100,000 a minute). */
export const BINDING_EVENTS_RATE = { capacity: 20, perSecond: 5 }
export const SUBSCRIPTIONS_RATE = { capacity: 50, perSecond: 5 }

/**
 * What an enterprise matches its own numbers against: HMAC-SHA256 under its key, domain-separated
 * from every signature it makes with the same key, in hex.
 */
export function bindingHmac (key: string, phone: string): string {
  return createHmac('sha256', key).update(`binding-subscription\0${phone}`).digest('hex')
}

// ---- on and off ---------------------------------------------------------------------------------

export async function setBindingAlerts (
  deps: AlertDeps,
  input: BindingAlertsRequest & { requester: Requester }
): Promise<BindingAlertsResponse> {
  const now = deps.clock.now()
  const { phoneHash, codeHash } = await verifyHolder(deps, { phone: input.phone, idSuffix: input.idSuffix, requester: input.requester, proof: { code: input.code } }, now)
  const tail = input.phone.slice(-4)
  const toggle = {
    phoneHash,
    codeHash: codeHash!,
    now,
    clears: [verifyNumber(phoneHash)],
    sms: { id: deps.random.id(), to: input.phone, ...(input.action === 'on' ? alertsOnSms(tail) : alertsOffSms(tail)) }
  }
  let written: 'ok' | 'CODE'
  if (input.action === 'on') {
    // the one moment the clear number is in hand with the holder's consent: every enterprise's HMAC now
    const { catalogue } = await deps.enterprises()
    const rows = await Promise.all(catalogue.enterprises.map(async e => ({ enterpriseId: e.id, hmac: bindingHmac(await deps.subscriptionKey(e.id), input.phone) })))
    written = await deps.alerts.subscribe({ ...toggle, rows })
  } else {
    written = await deps.alerts.unsubscribe(toggle)
  }
  // a twin request consumed the code first
  if (written === 'CODE') throw new AppError('CODE_INVALID')
  return { maskedPhone: maskPhone(input.phone), alerts: input.action === 'on' ? 'ON' : 'OFF' }
}

export function alertsOnSms (tail: string): SmsContent { return { template: 'alertsOn', params: { tail } } }
export function alertsOffSms (tail: string): SmsContent { return { template: 'alertsOff', params: { tail } } }

/** The carrier cancelled or re-issued these numbers: their subscriptions end (no SMS: the number is no longer the subscriber's). */
export async function endBindingAlerts (deps: Pick<AlertStepDeps, 'hasher' | 'alerts'>, phones: readonly string[]): Promise<number> {
  let ended = 0
  await mapLimited([...new Set(phones)], 8, async phone => { if (await deps.alerts.end(deps.hasher.phone(phone))) ended++ })
  return ended
}

// ---- the enterprise side ------------------------------------------------------------------------

/**
 * A batch of new bindings from one enterprise. An app that is not the caller's refuses the whole
 * batch (nothing written); events of numbers that did not subscribe are answered ACCEPTED and
 * dropped, never stored; the others are stored once per (enterprise, number, event id).
 */
export async function recordBindingEvents (deps: AlertDeps, enterpriseId: string, events: readonly BindingEvent[]): Promise<BindingEventResult[]> {
  const { catalogue } = await deps.enterprises()
  const own = new Set(catalogue.apps.filter(a => a.enterpriseId === enterpriseId).map(a => a.id))
  const fields: Record<string, string> = {}
  events.forEach((e, i) => { if (!own.has(e.appId)) fields[`events.${i}.appId`] = '该应用不属于本企业' })
  if (Object.keys(fields).length) throw new AppError('INVALID_INPUT', { fields })

  const now = deps.clock.now()
  await spend(deps, `binding-events:${enterpriseId}`, BINDING_EVENTS_RATE, now)
  const hashes = events.map(e => deps.hasher.phone(e.phone))
  const since = await deps.alerts.subscribedSince(hashes)
  const seen = new Set<string>()
  const results = new Array<BindingEventResult>(events.length)
  await mapLimited(events.map((e, i) => [e, i] as const), 32, async ([e, i]) => {
    const boundAt = Date.parse(e.boundAt)
    const result = (outcome: BindingEventResult['outcome'], reason?: string) => { results[i] = { eventId: e.eventId, outcome, ...(reason && { reason }) } }
    if (boundAt > now + 5 * 60_000) return result('REJECTED', 'BOUND_AT_IN_FUTURE')
    if (boundAt < now - MAX_EVENT_AGE_HOURS * 3600_000) return result('REJECTED', 'TOO_OLD')
    const subscribed = since.get(hashes[i]!)
    // not subscribed, or bound before the subscription began: dropped here, nothing stored
    if (subscribed === undefined || boundAt < subscribed) return result('ACCEPTED')
    const key = `evt#${hashes[i]}#${enterpriseId}#${e.eventId}`
    if (seen.has(key)) return result('DUPLICATE')
    seen.add(key)
    const stored = await deps.alerts.putEvent({
      key, phoneHash: hashes[i]!, enterpriseId, appId: e.appId, boundAt, phoneSealed: deps.sealer.seal(e.phone), status: 'PENDING'
    }, now)
    result(stored ? 'ACCEPTED' : 'DUPLICATE')
  })
  return results
}

/** One page of the caller's own subscription rows; the cursor names a place in its own rows only. */
export async function subscriptionsPage (deps: AlertDeps, enterpriseId: string, cursor: string | undefined): Promise<SubscriptionsPage> {
  if (cursor !== undefined && !CURSOR_PATTERN.test(cursor)) throw new AppError('INVALID_INPUT', { fields: { cursor: '游标格式不正确' } })
  await spend(deps, `subscriptions:${enterpriseId}`, SUBSCRIPTIONS_RATE, deps.clock.now())
  const after = cursor === undefined ? undefined : { since: Number(cursor.split('.')[0]), hmac: cursor.split('.')[1]! }
  const page = await deps.alerts.page(enterpriseId, after, SUBSCRIPTIONS_PAGE_SIZE)
  return {
    subscriptions: page.rows.map(r => ({ hmac: r.hmac, since: new Date(r.since).toISOString() })),
    ...(page.next && { nextCursor: `${page.next.since}.${page.next.hmac}` })
  }
}

async function spend (deps: AlertDeps, bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<void> {
  const token = await deps.lifecycle.takeToken(bucket, spec, now)
  if (!token.ok) throw rateLimited(token.retryAfterSeconds)
}

// ---- the alert SMS ------------------------------------------------------------------------------

const HOUR_MS = 3600_000

function chinaHour (now: number): number {
  return Math.floor((now - chinaMidnight(chinaDate(now))) / HOUR_MS)
}

export function isQuiet (now: number): boolean {
  const hour = chinaHour(now)
  return hour >= QUIET_FROM_HOUR || hour < QUIET_UNTIL_HOUR
}

/** the next end of quiet hours (08:00 China time) after `now` */
export function quietEnds (now: number): number {
  const today = chinaMidnight(chinaDate(now)) + QUIET_UNTIL_HOUR * HOUR_MS
  return now < today ? today : today + DAY_MS
}

/** the first moment an alert may go out on the China day after `now`'s */
export function nextDayFirst (now: number): number {
  return chinaMidnight(chinaDate(now)) + DAY_MS + QUIET_UNTIL_HOUR * HOUR_MS
}

/** alert SMS already sent on `now`'s China day */
export function sentToday (state: AlertState | undefined, now: number): number {
  return state?.day === chinaDate(now) ? state.sent : 0
}

export type AlertPlan = { send: true } | { holdUntil: number }

/**
 * Send now, or hold until when. Quiet hours hold until 08:00; a spent daily cap holds until the next
 * day's first moment; events already held for the number make this one wait with them (the sweep
 * folds them together within 2 minutes), so that nothing overtakes what was held.
 */
export function alertPlan (state: AlertState | undefined, now: number, folding = false): AlertPlan {
  if (isQuiet(now)) return { holdUntil: quietEnds(now) }
  if (sentToday(state, now) >= ALERTS_PER_DAY) return { holdUntil: nextDayFirst(now) }
  if (!folding && (state?.held ?? 0) > 0) return { holdUntil: now }
  return { send: true }
}

/** "12月8日9:05" in China time */
export function chinaMinute (epochMs: number): string {
  const minutes = Math.floor((epochMs - chinaMidnight(chinaDate(epochMs))) / 60_000)
  return `${chinaMonthDay(epochMs)}${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`
}

/**
 * One binding: its app and minute. Several (held, or the same number's burst): the first two apps and
 * how many apps, with the day of the first binding; the same app twice is one app.
 */
export function alertSms (catalogue: Catalogue, events: readonly Pick<StoredBindingEvent, 'appId' | 'boundAt'>[], phone: string): SmsContent {
  const ordered = [...events].sort((a, b) => a.boundAt - b.boundAt)
  const label = (appId: string) => appName(catalogue.apps.find(a => a.id === appId)?.label ?? appId)
  const apps = [...new Set(ordered.map(e => e.appId))]
  const tail = phone.slice(-4)
  if (apps.length === 1) return { template: 'bindingAlert', params: { app: label(apps[0]!), time: chinaMinute(ordered[0]!.boundAt), tail } }
  return { template: 'bindingAlerts', params: { apps: apps.slice(0, 2).map(label).join('、'), count: String(apps.length), tail, date: chinaMonthDay(ordered[0]!.boundAt) } }
}

export type AlertOutcome = 'sent' | 'held' | 'dropped' | 'skipped'
const STALE_RETRIES = 5
/** a transaction holds 100 items: a number's held events beyond this wait for the next sweep */
const FOLD_MAX = 90

/** A stored event's INSERT: send its alert now, or hold it (≤ 4 DynamoDB requests per alert, ingest included). */
export async function deliverAlert (deps: AlertStepDeps, eventKey: string): Promise<AlertOutcome> {
  for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
    const context = await deps.alerts.alertContext(eventKey)
    if (!context || context.event.status !== 'PENDING') return 'skipped'
    const outcome = await settle(deps, [context.event], context.state, false)
    if (outcome !== 'stale') return outcome
  }
  throw new Error('alert state contended: the record is retried')
}

/** Held events whose time has come, one SMS per number (folded), or held again (quiet hours, the cap). */
export async function sweepAlerts (deps: AlertStepDeps, limit = 500): Promise<Record<AlertOutcome, number>> {
  const tally: Record<AlertOutcome, number> = { sent: 0, held: 0, dropped: 0, skipped: 0 }
  const due = await deps.alerts.dueEvents(deps.clock.now(), limit)
  const byNumber = new Map<string, StoredBindingEvent[]>()
  for (const e of due) byNumber.set(e.phoneHash, [...byNumber.get(e.phoneHash) ?? [], e])
  const states = await deps.alerts.alertStates([...byNumber.keys()])
  await mapLimited([...byNumber.entries()], 8, async ([phoneHash, events]) => {
    let state = states.get(phoneHash)
    for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
      const outcome = await settle(deps, events.slice(0, FOLD_MAX), state, true)
      if (outcome !== 'stale') { tally[outcome] += Math.min(events.length, FOLD_MAX); return }
      state = (await deps.alerts.alertStates([phoneHash])).get(phoneHash)
    }
    tally.skipped += events.length
  })
  return tally
}

async function settle (deps: AlertStepDeps, events: StoredBindingEvent[], state: AlertState | undefined, folding: boolean): Promise<AlertOutcome | 'stale'> {
  const now = deps.clock.now()
  const phoneHash = events[0]!.phoneHash
  const plan = alertPlan(state, now, folding)
  const day = chinaDate(now)
  const version = (state?.version ?? 0) + 1
  const heldBefore = events.filter(e => e.status === 'HELD').length
  const base = { day, sent: sentToday(state, now), held: state?.held ?? 0 }
  let written
  if ('holdUntil' in plan) {
    const newlyHeld = events.length - heldBefore
    written = await deps.alerts.hold({
      events, phoneHash, until: plan.holdUntil, now, expectedVersion: state?.version,
      state: { ...base, held: base.held + newlyHeld, version }
    })
  } else {
    const phone = deps.sealer.open(events[0]!.phoneSealed)
    const { catalogue } = await deps.enterprises()
    written = await deps.alerts.sendAlert({
      events, phoneHash, now, expectedVersion: state?.version,
      state: { day, sent: base.sent + 1, held: Math.max(0, base.held - heldBefore), version },
      sms: { id: deps.random.id(), to: phone, ...alertSms(catalogue, events, phone) }
    })
  }
  if (written === 'unsubscribed') {
    await deps.alerts.drop(events)
    return 'dropped'
  }
  if (written === 'stale') return 'stale'
  return 'holdUntil' in plan ? 'held' : 'sent'
}

/**
 * The carrier's call-out: a number cancelled or re-issued ends its binding alerts. A DUPLICATE counts
 * too (ending is idempotent): a batch whose alerts step failed after the events were recorded is
 * retried by the carrier and finishes the job then.
 */
export async function endAlertsOnRelease (
  deps: Pick<AlertStepDeps, 'hasher' | 'alerts'>,
  events: readonly { phone: string, type: string }[],
  results: readonly { outcome: string }[]
): Promise<number> {
  const released = events.filter((e, i) => (e.type === 'CANCELLED' || e.type === 'REISSUED') && results[i]?.outcome !== 'REJECTED')
  return released.length ? endBindingAlerts(deps, released.map(e => e.phone)) : 0
}
