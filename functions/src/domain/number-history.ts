// The life of one number as the carriers report it, reduced to what the platform check needs:
// when records begin, its status, and the moments it changed hands. Pure rules, no I/O.
import type { NumberEventType } from '#contract/lifecycle'
import { READINESS_REASONS } from '#contract/messages'
import { chinaDate, chinaMidnight, DAY_MS } from './china-time'


export const LIFECYCLE_POLICY = {
  /** 《电信服务规范》: a cancelled number stays out of use this long before it is re-issued */
  quietDays: 90,
  /** an event dated this far in the future is a carrier clock or data error */
  maxFutureSkewMs: 5 * 60 * 1000,
  /** the released-numbers feed keeps each day's list this long */
  releasedFeedDays: 30,
  /** 二次号码焕新: platforms clean a released number within 5 working days */
  confirmWorkingDays: 5,
  /** a notice not delivered by then loses its clear number (PENDING → UNDELIVERED) */
  noticeClearMs: 3600 * 1000,
  noticeTries: 3,
  noticeBackoffMs: 200
} as const

export type NumberStatus = 'active' | 'suspended' | 'cancelled'

/** A change of holder: the number left its holder (RELEASED) or reached a new one (REISSUED). */
export interface HolderChange { type: 'RELEASED' | 'REISSUED', at: number }

export interface NumberHistory {
  phoneHash: string
  carrierId: string
  status: NumberStatus
  /** effective time of the first event we hold for this number: before it we know nothing */
  recordsSince: number
  changes: HolderChange[]
  /** effective time of the latest event applied: events must arrive in order per number */
  lastEventAt: number
  releasedAt?: number
  /** a REISSUED that arrived before the number was ready */
  reissuedEarly?: boolean
  /** the notice sent to every enterprise for the latest release */
  noticeId?: string
}

export interface LifecycleEvent { type: NumberEventType, at: number, carrierId: string }

export type EventDecision =
  | { outcome: 'APPLIED' | 'FLAGGED', history: NumberHistory, reason?: string }
  | { outcome: 'REJECTED', reason: string }

/** Apply one carrier event to a number's history (undefined: the first event we hear of). */
export function applyEvent (history: NumberHistory | undefined, phoneHash: string, event: LifecycleEvent, now: number, notices: readonly NoticeState[] = []): EventDecision {
  if (event.at > now + LIFECYCLE_POLICY.maxFutureSkewMs) return { outcome: 'REJECTED', reason: 'FUTURE_EVENT' }
  if (history && event.at < history.lastEventAt) return { outcome: 'REJECTED', reason: 'OUT_OF_ORDER' }
  if (history && history.carrierId !== event.carrierId && event.type !== 'PORTED') {
    // a number moves between carriers only through porting (携号转网), reported by the carrier it moves to
    return { outcome: 'REJECTED', reason: 'OTHER_CARRIER' }
  }
  const base: NumberHistory = history
    ? { ...history, changes: [...history.changes] }
    : { phoneHash, carrierId: event.carrierId, status: 'active', recordsSince: event.at, changes: [], lastEventAt: event.at }
  const next: NumberHistory = { ...base, carrierId: event.carrierId, lastEventAt: event.at }

  switch (event.type) {
    case 'CANCELLED':
      if (history?.status === 'cancelled') return { outcome: 'REJECTED', reason: 'ALREADY_RELEASED' }
      next.status = 'cancelled'
      next.releasedAt = event.at
      delete next.reissuedEarly
      next.changes.push({ type: 'RELEASED', at: event.at })
      return { outcome: 'APPLIED', history: next }
    case 'REISSUED': {
      if (history?.status !== 'cancelled') return { outcome: 'REJECTED', reason: 'NOT_RELEASED' }
      const ready = readiness(history, event.at, notices)
      next.status = 'active'
      delete next.releasedAt
      next.changes.push({ type: 'REISSUED', at: event.at })
      if (ready.ready) return { outcome: 'APPLIED', history: next }
      // the carrier's act stands (we cannot undo it) but it is flagged and every enterprise must hear now
      next.reissuedEarly = true
      return { outcome: 'FLAGGED', history: next, reason: ready.reasons.join('；') }
    }
    case 'SUSPENDED':
      if (history && history.status !== 'active') return { outcome: 'REJECTED', reason: `NOT_ACTIVE` }
      next.status = 'suspended'
      return { outcome: 'APPLIED', history: next }
    case 'ACTIVE':
      if (history?.status === 'cancelled') return { outcome: 'REJECTED', reason: 'USE_REISSUED' }
      next.status = 'active'
      return { outcome: 'APPLIED', history: next }
    case 'PORTED':
      // the holder takes the number to another carrier: same holder, so no change of hands is recorded
      if (history?.status === 'cancelled') return { outcome: 'REJECTED', reason: 'NOT_IN_USE' }
      if (history?.carrierId === event.carrierId) return { outcome: 'REJECTED', reason: 'ALREADY_YOURS' }
      return { outcome: 'APPLIED', history: next }
  }
}

/** when the current holder got the number: the latest REISSUED, while the number is in use; undefined for an original holder */
export function holderSince (history: NumberHistory | undefined): number | undefined {
  if (!history || history.status === 'cancelled') return undefined
  const last = history.changes.at(-1)
  return last?.type === 'REISSUED' ? last.at : undefined
}

export interface Readiness { ready: boolean, reasons: string[], quietUntil?: number }

/** Where one enterprise stands with the release notice of a number. */
export interface NoticeState { enterpriseName: string, status: 'PENDING' | 'DELIVERED' | 'UNDELIVERED' | 'CONFIRMED', deadline: number }

/**
 * A released number may be re-issued once its quiet period has passed and every enterprise has
 * confirmed its clean-up or let its deadline pass (each one still open is named).
 */
export function readiness (history: NumberHistory | undefined, now: number, notices: readonly NoticeState[] = []): Readiness {
  if (!history) return { ready: false, reasons: [READINESS_REASONS.unknown] }
  if (history.status !== 'cancelled' || history.releasedAt === undefined) return { ready: false, reasons: [READINESS_REASONS.notCancelled] }
  const quietUntil = history.releasedAt + LIFECYCLE_POLICY.quietDays * DAY_MS
  const reasons = now < quietUntil ? [READINESS_REASONS.quiet(LIFECYCLE_POLICY.quietDays, chinaDate(quietUntil))] : []
  for (const n of notices) {
    if (n.status !== 'CONFIRMED' && now < n.deadline) reasons.push(READINESS_REASONS.unconfirmed(n.enterpriseName, chinaDate(n.deadline - 1)))
  }
  return { ready: reasons.length === 0, reasons, quietUntil }
}

/**
 * Has the number changed hands since `since`? true: released or re-issued after it; false: we hold
 * its records from before `since` and nothing changed; null: no data (never a guess).
 */
export function reassignedSince (history: NumberHistory | undefined, since: number): boolean | null {
  if (!history) return null
  if (history.changes.some(c => c.at > since)) return true
  return since >= history.recordsSince ? false : null
}

/** an ISO instant, or a bare date read as China midnight */
export function effectiveTime (value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? chinaMidnight(value) : Date.parse(value)
}
