// What the domain needs from the outside world. Adapters implement these; tests swap them.
import type { QueryStatus } from './contract/index'
import type { LimitCheck, LimitName, Refusal } from './domain/limits'
import type { SmsContent } from './domain/sms-templates'
import type { NumberHistory } from './domain/number-history'
import type { NumberNotice } from './contract/lifecycle'
import type { CaseKind, ItemStatus, ResolveAction } from './contract/cases'
import type { DisputeRequest } from './contract/disputes'

export interface Clock {
  /** epoch milliseconds */
  now (): number
}

export interface Random {
  /** a 6-digit verification code from a CSPRNG */
  code (): string
  /** an unguessable identifier */
  id (): string
}

/** Keyed hashes (HMAC with a secret pepper): the only form in which numbers, suffixes and codes are stored. */
export interface Hasher {
  phone (phone: string): string
  idSuffix (phone: string, idSuffix: string): string
  code (phone: string, code: string): string
  /** a source network or a host-verified user: who is asking */
  requester (id: string): string
  /** what an idempotency key stands for: route and request, never stored in clear */
  fingerprint (value: string): string
}

export type SubscriberStatus = 'active' | 'cancelled' | 'suspended'

export interface Subscriber {
  phoneHash: string
  idSuffixHash: string
  status: SubscriberStatus
}

/** a carrier's real-name record of a number */
export interface CarrierAnswer {
  status: SubscriberStatus
  /** false as well when no ID suffix was asked about */
  idSuffixMatches: boolean
}

/** The carriers' real-name check: is this number a subscriber, in what status, with this ID suffix? */
export interface CarrierGateway {
  /** undefined when the number is no carrier's subscriber */
  check (phone: string, idSuffix?: string): Promise<CarrierAnswer | undefined>
  /**
   * Present when the carriers' answer is our Subscribers row (the table gateway): a step reads the
   * row in its own batched read (VerificationStore.snapshot) and the gateway judges it here, without
   * a request of its own. Absent (the carriers' HTTP endpoints): the step calls check().
   */
  judge? (phone: string, idSuffix: string | undefined, row: Subscriber | undefined): CarrierAnswer | undefined
}

export interface SubscriberStore {
  get (phoneHash: string): Promise<Subscriber | undefined>
  put (subscriber: Subscriber): Promise<void>
}

/** a limit log as read: its event times and the version a write is conditioned on (absent: never written) */
export interface LimitLog {
  events: number[]
  version?: number
}

/** what a step reads before it decides, in one batched read */
export interface SnapshotRequest {
  limits: LimitCheck[]
  /** the number's Subscribers row (phone hash), when the carrier gateway judges from it */
  subscriber?: string
  /** the record kept under this idempotency key hash */
  idempotencyKey?: string
}

export interface Snapshot {
  /** by limit name, for every limit asked (an absent log: no events, no version) */
  logs: ReadonlyMap<LimitName, LimitLog>
  subscriber?: Subscriber
  remembered?: IdempotencyRecord
}

/** all or nothing: either every limit counted the event, or none did and these refused */
export type Limited = { ok: true } | { ok: false, refusals: Refusal[] }

/** the outcome of a request kept under its idempotency key: hashed key and request, the answer given */
export interface IdempotencyRecord {
  keyHash: string
  fingerprint: string
  answer: Record<string, unknown>
}

export interface OutboxMessage extends SmsContent {
  id: string
  /** the recipient in clear: allowed only while the message is unsent (the params of a code SMS hold the code: dropped with it) */
  to: string
  queryId?: string
}

/** what a provider reports about a message it accepted; `recipientHash` is the keyed hash of the number it names */
export interface DeliveryReceipt {
  messageId: string
  /** the query the message reports on (a result SMS): its status follows in the receipt's one write */
  queryId?: string
  providerMessageId: string
  recipientHash: string
  delivered: boolean
}

export interface IssueCodeInput {
  phoneHash: string
  codeHash: string
  now: number
  limits: LimitCheck[]
  /** when the new code stops working, given the limit logs as they are with this code counted */
  codeExpiresAt (logs: ReadonlyMap<LimitName, readonly number[]>): number
  /** absent for numbers that get no SMS: same writes otherwise */
  sms?: OutboxMessage
  idempotency?: IdempotencyRecord
  /** the logs as the step's snapshot found them (judged first; re-read only after a lost race) */
  judged?: ReadonlyMap<LimitName, LimitLog>
}

export interface AcceptInput {
  codeHash: string
  query: NewQuery
  now: number
  /** counted with the query */
  limits: LimitCheck[]
  /**
   * logs a success wipes (the number's verdict backoff): each must still allow one more event (the
   * verdict this success is), and is wiped only if unchanged since judged, in the same transaction
   */
  clears: LimitCheck[]
  idempotency?: IdempotencyRecord
  /** the logs as the step's snapshot found them (judged first; re-read only after a lost race) */
  judged?: ReadonlyMap<LimitName, LimitLog>
}

export type QueryResults = Record<string, number | 'unavailable'>

export interface NewQuery {
  queryId: string
  phoneHash: string
  maskedPhone: string
  /** held only until the result SMS is in the outbox */
  recipient: string
  acceptedAt: number
}

export interface QueryRecord {
  queryId: string
  maskedPhone: string
  status: QueryStatus
  acceptedAt: number
  sentAt?: number
}

/** Codes, limit logs and idempotency records: every check-and-write is one conditional write or transaction. */
export interface VerificationStore {
  /** a step's reads in one request: limit logs, the subscriber row, the idempotency record */
  snapshot (request: SnapshotRequest, now: number): Promise<Snapshot>
  /** what these limits would refuse now; nothing counted */
  check (limits: LimitCheck[], now: number): Promise<Refusal[]>
  /** counts one event on every limit, all or nothing (judged first on `judged` when given) */
  take (limits: LimitCheck[], now: number, judged?: ReadonlyMap<LimitName, LimitLog>): Promise<Limited>
  /** counts an event that already happened (a failure), whatever the limit says */
  record (limit: LimitCheck, now: number, judged?: ReadonlyMap<LimitName, LimitLog>): Promise<void>
  /** counts the limits, replaces the number's code and queues its SMS, all or nothing */
  issueCode (input: IssueCodeInput): Promise<Limited>
  /**
   * counts one try of this requester against the number's live code (each requester has its own
   * tries, the code a ceiling over all); the stored hash, or undefined when none is usable
   */
  tryCode (phoneHash: string, requesterKey: string, now: number): Promise<string | undefined>
  /** consumes the code, counts the limits, wipes the clears and writes the query, all or nothing */
  accept (input: AcceptInput): Promise<Limited | { ok: false, failed: 'CODE' | 'IDEMPOTENCY' }>
  /** the record kept under an idempotency key, while it lives */
  remembered (keyHash: string, now: number): Promise<IdempotencyRecord | undefined>
}

/** a summary-form result SMS's code, as stored: its keyed hash (domain/result-code) and when it stops working */
export interface NewResultCode {
  codeHash: string
  expiresAt: number
}

/** what a live result code opens: its query's figures */
export interface ResultCodeMatch {
  queryId: string
  results: QueryResults
}

export interface ResultCodeStore {
  /** the query a live result code (by its keyed hash) is bound to, with its results; undefined when none */
  find (codeHash: string, now: number): Promise<ResultCodeMatch | undefined>
}

export interface QueryStore {
  get (queryId: string, now: number): Promise<QueryRecord | undefined>
  /** ACCEPTED|PROCESSING → PROCESSING while the recipient is still held: the recipient, or undefined when there is nothing to do */
  claim (queryId: string, now: number): Promise<string | undefined>
  /**
   * results saved, recipient dropped and the result SMS queued in one transaction (with the summary
   * form's result code, its keyed hash in the same transaction); false if already done
   */
  complete (queryId: string, results: QueryResults, sms: OutboxMessage, now: number, resultCode?: NewResultCode): Promise<boolean>
  /** ACCEPTED|PROCESSING queries accepted before `before` that still hold a recipient → FAILED, recipient dropped; how many */
  failStuck (before: number, now: number): Promise<number>
}

export interface OutboxStore {
  /** PENDING|SENDING → SENDING; undefined when already SENT or FAILED (a duplicate delivery) */
  claim (id: string, now: number): Promise<OutboxMessage | undefined>
  /** SENT, recipient and parameters dropped (their keyed hash kept to match receipts), and the query (if any) SENT, in one transaction */
  markSent (message: OutboxMessage, sent: { providerMessageId: string, recipientHash: string }, now: number): Promise<void>
  markFailed (message: OutboxMessage, now: number): Promise<void>
  /** PENDING|SENDING messages written before `before` → FAILED, recipient and parameters dropped, their query FAILED; how many */
  failStuck (before: number, now: number): Promise<number>
  /** our message id for a provider's id (receipts that do not echo ours) */
  messageIdFor (providerMessageId: string): Promise<string | undefined>
  /**
   * SENT → DELIVERED | UNDELIVERED (and the receipt's query likewise), in one conditional write, only when the provider's id and the recipient's
   * hash match what was sent; false for anything else (forged, replayed, unknown), with nothing written
   */
  markDelivery (receipt: DeliveryReceipt, now: number): Promise<boolean>
}

/** One SMS as a sender gets it: the template and parameters for providers that take registered templates, the rendered text for those that take text. */
export interface SmsToSend extends SmsContent {
  to: string
  text: string
  /** our message id: the provider must not deliver twice for the same key where it supports that */
  idempotencyKey: string
}

export interface SmsSender {
  /** `delivered`: the sender knows at once that the message reached the phone (the local carrier) */
  send (message: SmsToSend): Promise<{ providerMessageId: string, delivered?: boolean }>
}

/** The release notice over the signed enterprise channel. */
export interface NoticeGateway {
  sendNotice (enterpriseId: string, notice: NumberNotice, signal: AbortSignal): Promise<{ reference?: string }>
}

export interface AccountCounts {
  accounts: Record<string, number>
  /** per app, the accounts bound since the moment asked about (absent when the enterprise did not say) */
  accountsSince?: Record<string, number>
}

export interface EnterpriseGateway {
  /** account counts per app id of this enterprise; throws on failure or malformed answers */
  countAccounts (enterpriseId: string, phone: string, signal: AbortSignal): Promise<Record<string, number>>
  /** the counts, and those bound since `since` (a re-issued number's holder start); a gateway that cannot ask omits it */
  countAccountsSince? (enterpriseId: string, phone: string, since: number, signal: AbortSignal): Promise<AccountCounts>
}

/** The circuit breakers' shared state: when each enterprise's open period ends (epoch ms). */
export interface BreakerStore {
  /** enterprise id → open until, for those with a stored open period (possibly already past) */
  openUntil (enterpriseIds: readonly string[]): Promise<Record<string, number>>
  /** records an open period; never shortens a longer one */
  open (enterpriseId: string, until: number, now: number): Promise<void>
  /** forgets an open period that has ended (a probe succeeded); a later one stays */
  close (enterpriseId: string, now: number): Promise<void>
}

/** What one applied carrier event writes, all or nothing. */
export interface RecordedEvent {
  carrierId: string
  eventId: string
  previous?: NumberHistory
  next: NumberHistory
  /** CANCELLED: the number joins that China day's released-numbers feed */
  released?: { date: string, phone: string }
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

export interface AuditEntry { at: number, route: string, numbers: number }

/** Number histories, the released feed, and the bookkeeping of the signed server-to-server calls. */
export interface LifecycleStore {
  /** one BatchGetItem per 100 numbers */
  histories (phoneHashes: readonly string[]): Promise<Map<string, NumberHistory>>
  /** the history as written; 'DUPLICATE': this event id was recorded before; 'CONFLICT': the history moved since it was read */
  recordEvent (event: RecordedEvent, now: number): Promise<{ recorded: NumberHistory } | 'DUPLICATE' | 'CONFLICT'>
  /** whether this carrier's event id was recorded before (and has not expired) */
  eventSeen (carrierId: string, eventId: string, now: number): Promise<boolean>
  releasedOn (date: string, now: number): Promise<string[]>
  /** true the first time this request signature is seen within its validity */
  firstUse (signature: string, now: number): Promise<boolean>
  /** one token from a caller's bucket, or the wait until the next one */
  takeToken (bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<{ ok: true } | { ok: false, retryAfterSeconds: number }>
  audit (enterpriseId: string, entry: AuditEntry): Promise<void>
  notices (noticeId: string, enterpriseIds: readonly string[]): Promise<NoticeRecord[]>
  notice (noticeId: string, enterpriseId: string): Promise<NoticeRecord | undefined>
  /** PENDING → DELIVERED or UNDELIVERED, the clear number removed; false when it had moved on */
  settleNotice (noticeId: string, enterpriseId: string, outcome: 'DELIVERED' | 'UNDELIVERED', now: number): Promise<boolean>
  /** any state but CONFIRMED → CONFIRMED; the resulting status, or undefined for no such notice */
  confirmNotice (noticeId: string, enterpriseId: string, counts: { bindingsRemoved: number, bindingsFrozen: number }, now: number): Promise<NoticeRecord['status'] | undefined>
  /** notices still PENDING (the sweep retries them) */
  pendingNotices (): Promise<{ noticeId: string, enterpriseId: string }[]>
  auditOf (enterpriseId: string, date: string): Promise<AuditEntry[]>
}

/** Reversible encryption under a secret key: a case must reach its number by SMS for weeks, never in clear at rest. */
export interface Sealer {
  seal (plain: string): string
  open (sealed: string): string
}

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
  lastSmsAt: number
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

// ---- binding alerts ------------------------------------------------------------------------------

/** one subscribed number as one enterprise sees it: HMAC under that enterprise's key */
export interface SubscriptionRow { enterpriseId: string, hmac: string }

export interface AlertToggle {
  phoneHash: string
  /** the code that proved the holder, consumed with the change */
  codeHash: string
  now: number
  /** logs a success wipes (the number's verdict backoff) */
  clears: LimitCheck[]
  /** the confirmation SMS */
  sms: OutboxMessage
}

/** a reported binding of a subscribed number, kept until its alert went out */
export interface StoredBindingEvent {
  /** `evt#{phoneHash}#{enterpriseId}#{eventId}`: each event id once per (enterprise, number) */
  key: string
  phoneHash: string
  enterpriseId: string
  appId: string
  boundAt: number
  /** the number, sealed: an alert may be held for hours (quiet hours, the daily cap); dropped once sent */
  phoneSealed: string
  status: 'PENDING' | 'HELD' | 'SENT' | 'DROPPED'
}

/** per number: alert SMS sent on a China day, events held, and the version every write is conditioned on */
export interface AlertState { day: string, sent: number, held: number, version: number }

export type AlertWrite = 'ok' | 'stale' | 'unsubscribed'

export interface SubscriptionCursor { since: number, hmac: string }

/** Subscriptions (keyed hashes only), the per-enterprise HMAC rows, the alert state, the reported events. */
export interface AlertStore {
  /** consumes the code, writes the subscription and its rows (replacing those of an earlier opt-in) and queues the SMS: all or nothing */
  subscribe (input: AlertToggle & { rows: SubscriptionRow[] }): Promise<'ok' | 'CODE'>
  /** consumes the code, deletes the subscription, its rows and its alert state, queues the SMS: all or nothing */
  unsubscribe (input: AlertToggle): Promise<'ok' | 'CODE'>
  /** ends a subscription without SMS (the number was cancelled or re-issued); whether there was one */
  end (phoneHash: string): Promise<boolean>
  /** since when each of these numbers subscribed, for those that did (one BatchGetItem per 100 numbers) */
  subscribedSince (phoneHashes: readonly string[]): Promise<Map<string, number>>
  /** stores an event once (its key); false when that key was stored before */
  putEvent (event: StoredBindingEvent, now: number): Promise<boolean>
  /** one page of an enterprise's rows, oldest subscription first */
  page (enterpriseId: string, after: SubscriptionCursor | undefined, limit: number): Promise<{ rows: SubscriptionCursor[], next?: SubscriptionCursor }>
  /** the event and its number's alert state, in one read */
  alertContext (eventKey: string): Promise<{ event: StoredBindingEvent, state: AlertState | undefined } | undefined>
  /** the number's alert states (one BatchGetItem per 100 numbers) */
  alertStates (phoneHashes: readonly string[]): Promise<Map<string, AlertState>>
  /** the events SENT (sealed number dropped), the state written and the SMS queued, if the number still subscribes and the state is at its version */
  sendAlert (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, sms: OutboxMessage, now: number }): Promise<AlertWrite>
  /** the events HELD until `until` (the sweep's due index), the state written */
  hold (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, until: number, now: number }): Promise<AlertWrite>
  /** the events DROPPED, sealed number removed (the number no longer subscribes) */
  drop (events: readonly StoredBindingEvent[]): Promise<void>
  /** held events whose time has come, earliest first */
  dueEvents (now: number, limit: number): Promise<StoredBindingEvent[]>
}
