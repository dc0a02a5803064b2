// Number lifecycle: carrier events, number histories, the released-numbers feed, release notices.
import type { NumberNotice } from '../../contract/lifecycle'
import type { NumberHistory } from '../number-history'

/** The release notice over the signed enterprise channel. */
export interface NoticeGateway {
  sendNotice (enterpriseId: string, notice: NumberNotice, signal: AbortSignal): Promise<{ reference?: string }>
}

/** What one applied carrier event writes, all or nothing. */
export interface RecordedEvent {
  carrierId: string
  /** keyed hash of the carrier's event id (which may embed a number) */
  eventKey: string
  /** keyed hash of the event's content: tells a retry from another event under a reused id */
  eventContent: string
  previous?: NumberHistory
  next: NumberHistory
  /** CANCELLED: the number joins the released-numbers feed, filed under the China day it is recorded */
  released?: { effectiveAt: number, phone: string }
  /** the subscriber record (the carrier's real-name data, where this deployment holds it) */
  subscriber?: { status: NumberHistory['status'], idSuffixHash?: string }
  /** the release notice to every enterprise: one item each, the record is the message */
  notices?: NewNotice[]
}

export interface NewNotice { noticeId: string, enterpriseId: string, phone: string, event: 'RELEASED' | 'REISSUED', effectiveAt: number, deadline: number }

export interface NoticeRecord {
  noticeId: string
  enterpriseId: string
  status: 'PENDING' | 'DELIVERED' | 'UNDELIVERED' | 'CONFIRMED'
  deadline: number
  createdAt: number
  /** in clear only while PENDING */
  phone?: string
  event: 'RELEASED' | 'REISSUED'
  effectiveAt: number
}

/** one entry of the released-numbers feed: `seq` orders the feed (recorded ms × 1000 + a tie-breaker) */
export interface ReleasedEntry { seq: number, phone: string, effectiveAt: number }

/** Number histories, the released feed, and the release notices. */
export interface LifecycleStore {
  /** one BatchGetItem per 100 numbers */
  histories (phoneHashes: readonly string[]): Promise<Map<string, NumberHistory>>
  /** the history as written; 'EVENT_EXISTS': this event key was recorded before; 'MOVED': the history moved since it was read */
  recordEvent (event: RecordedEvent, now: number): Promise<{ recorded: NumberHistory } | 'EVENT_EXISTS' | 'MOVED'>
  /** the content hash recorded under this event key (undefined: never recorded, or expired) */
  eventContent (eventKey: string, now: number): Promise<string | undefined>
  /**
   * one Query: the released numbers filed under `day` with after < seq ≤ upTo, in the order recorded;
   * `more` when the page was cut at `limit`
   */
  releasedPage (day: string, after: number, upTo: number, limit: number): Promise<{ entries: ReleasedEntry[], more: boolean }>
  /** adds `count` to an enterprise's numbers checked on China day `day` unless that would pass `quota` (then false, nothing added) */
  countNumbers (enterpriseId: string, day: string, count: number, quota: number, now: number): Promise<boolean>
  notices (noticeId: string, enterpriseIds: readonly string[]): Promise<NoticeRecord[]>
  notice (noticeId: string, enterpriseId: string): Promise<NoticeRecord | undefined>
  /** PENDING → DELIVERED or UNDELIVERED, the clear number removed; false when it had moved on */
  settleNotice (noticeId: string, enterpriseId: string, outcome: 'DELIVERED' | 'UNDELIVERED', now: number): Promise<boolean>
  /** any state but CONFIRMED → CONFIRMED; the resulting status, or undefined for no such notice */
  confirmNotice (noticeId: string, enterpriseId: string, counts: { bindingsRemoved: number, bindingsFrozen: number }, now: number): Promise<NoticeRecord['status'] | undefined>
  /** notices still PENDING (the sweep retries them), read from the due index: delivered ones are never read */
  pendingNotices (): Promise<{ noticeId: string, enterpriseId: string }[]>
}
