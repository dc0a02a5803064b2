// Resolution cases: one row per case, its disputes to the enterprises, its SMS updates.
import type { CaseKind, ItemStatus, ResolveAction } from '../../contract/cases'
import type { DisputeRequest } from '../../contract/disputes'
import type { LimitCheck, Refusal } from '../limits'
import type { SmsContent } from '../sms-templates'
import type { OutboxMessage } from './sms'
import type { IdempotencyRecord } from './verification'

export interface CaseItemState {
  itemId: string
  appId: string
  enterpriseId: string
  kind: CaseKind
  note?: string
  status: ItemStatus
  submittedAt: number
  acknowledgeBy: number
  resolveBy: number
  /** the enterprise's hotline when the case was opened (shown when overdue or rejected) */
  hotline: string
  forwardedAt?: number
  /** no 202 recorded within the hour (the forward kept failing, or the enterprise answered but its 202 never came): the clear number was dropped (the deadlines still run) */
  deliveryFailedAt?: number
  reference?: string
  acknowledgedAt?: number
  answeredAt?: number
  overdueAt?: number
  action?: ResolveAction
  instructions?: string
  link?: string
  reasonCode?: string
  message?: string
}

/** One update waiting for the case's hourly SMS slot: a template of the case family and its parameters. */
export interface PendingCaseSms { appId: string, sms: SmsContent }

/** One case is one row: items, pending SMS updates and the version every write is conditioned on. */
export interface CaseState {
  caseId: string
  ticket: string
  phoneHash: string
  maskedPhone: string
  /** the number, sealed, for the case SMS only; dropped once nothing more will be sent */
  phoneSealed?: string
  tokenHash: string
  createdAt: number
  updatedAt: number
  version: number
  /** in SMS (catalogue) order */
  items: CaseItemState[]
  /** SMS updates waiting for the hourly slot */
  pending: PendingCaseSms[]
  /** when the last UPDATE SMS went out (the acceptance SMS does not start the hour); absent before the first */
  lastSmsAt?: number
  /** SMS sent for this case, the acceptance included (names each outbox message) */
  smsCount: number
  /** when the sweep should look at this case next; absent when nothing can fall due */
  dueAt?: number
}

/** The outbound dispute: the record is the message; it holds the clear number until delivered. */
export interface DisputeMessage {
  itemId: string
  caseId: string
  enterpriseId: string
  /** the item's place in the case row, for a targeted update */
  index: number
  request: DisputeRequest
  createdAt: number
}

export interface NewCase {
  state: CaseState
  disputes: DisputeMessage[]
  sms: OutboxMessage
  /** what proved the holder, consumed with the case: a code, or a query accepted moments ago */
  proof: { codeHash: string } | { queryId: string, acceptedAfter: number }
  now: number
  /** the number's daily case log */
  limits: LimitCheck[]
  /** logs a success wipes (the number's verdict backoff) */
  clears: LimitCheck[]
  idempotency?: IdempotencyRecord
}

export type CreateCaseOutcome =
  | { ok: true }
  | { ok: false, refusals: Refusal[] }
  | { ok: false, failed: 'PROOF' | 'IDEMPOTENCY' }
  | { ok: false, openApps: string[] }

export interface CaseEffects {
  sms?: OutboxMessage
  /** (number, app) guards to release: the item has its final answer */
  closeApps?: string[]
  /** disputes to delete with their clear number: given up on */
  dropDisputes?: string[]
}

export interface CaseStore {
  /** consumes the proof, counts the case, takes the (number, app) guards, writes the case, its disputes and the accepted SMS: all or nothing */
  create (input: NewCase): Promise<CreateCaseOutcome>
  get (caseId: string, now: number): Promise<CaseState | undefined>
  /** a query's number and acceptance, for a case proved by a recent query */
  recentQuery (queryId: string, now: number): Promise<{ phoneHash: string, acceptedAt: number, caseId?: string } | undefined>
  /** a failed proof with this query spends it: it proves nothing any more (a query proves one attempt) */
  spendQuery (queryId: string): Promise<void>
  /** writes `next` if the row is still at `expectedVersion`: 'ok', or 'stale' (re-read and retry) */
  save (next: CaseState, expectedVersion: number, effects: CaseEffects, now: number): Promise<'ok' | 'stale'>
  /** case ids whose dueAt has come, earliest first */
  due (now: number, limit: number): Promise<string[]>
  /** the dispute waiting to be delivered, or undefined (already delivered, dropped, expired) */
  dispute (itemId: string, now: number): Promise<DisputeMessage | undefined>
  /** disputes still waiting for delivery (the sweep retries them) */
  pendingDisputes (): Promise<string[]>
  /**
   * The enterprise holds it: reference and time saved, SUBMITTED → FORWARDED (an answer that came
   * first stays), the dispute and its clear number deleted, in one write that races with no one.
   */
  markForwarded (message: DisputeMessage, reference: string, now: number): Promise<void>
}

/** Disputes over the signed enterprise channel. */
export interface DisputeGateway {
  /** delivers one dispute, signed; the enterprise's reference, or throws */
  deliver (enterpriseId: string, request: DisputeRequest, signal: AbortSignal): Promise<string>
}
