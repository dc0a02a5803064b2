// What the domain needs from the outside world. Adapters implement these; tests swap them.
import type { QueryStatus } from './contract/index'
import type { NumberHistory } from './domain/number-history'
import type { NumberNotice } from './contract/lifecycle'

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
  ip (ip: string): string
}

export type SubscriberStatus = 'active' | 'cancelled' | 'suspended'

export interface Subscriber {
  phoneHash: string
  idSuffixHash: string
  status: SubscriberStatus
  carrier?: string
}

export interface SubscriberStore {
  get (phoneHash: string): Promise<Subscriber | undefined>
  put (subscriber: Subscriber): Promise<void>
}

export type LimitName = 'COOLDOWN' | 'PHONE_HOURLY' | 'PHONE_DAILY' | 'IP_HOURLY' | 'QUERY_DAILY'

export interface LimitHit { ok: false, limit: LimitName, retryAfterSeconds: number }

export interface OutboxMessage {
  id: string
  kind: 'code' | 'result'
  /** the recipient in clear: allowed only while the message is unsent */
  to: string
  text: string
  queryId?: string
}

export interface IssueCodeInput {
  phoneHash: string
  ipHash: string
  codeHash: string
  now: number
  /** absent for numbers that are not subscribers: same writes, no SMS */
  sms?: OutboxMessage
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

/** Codes, counters and locks: every check-and-write is one conditional write or transaction. */
export interface VerificationStore {
  issueCode (input: IssueCodeInput): Promise<{ ok: true } | LimitHit>
  lockedUntil (phoneHash: string, now: number): Promise<number | undefined>
  /** counts one try against the live code; the stored hash, or undefined when none is usable */
  tryCode (phoneHash: string, now: number): Promise<string | undefined>
  /** records a failed verification; the fifth in a window locks the number */
  recordFailure (phoneHash: string, now: number): Promise<void>
  /** consumes the code, counts the daily quota and writes the query, all or nothing */
  accept (codeHash: string, query: NewQuery, now: number): Promise<{ ok: true } | LimitHit | { ok: false, limit: 'CODE' }>
}

export interface QueryStore {
  get (queryId: string, now: number): Promise<QueryRecord | undefined>
  /** ACCEPTED|PROCESSING → PROCESSING while the recipient is still held: the recipient, or undefined when there is nothing to do */
  claim (queryId: string, now: number): Promise<string | undefined>
  /** results saved, recipient dropped and the result SMS queued in one transaction; false if already done */
  complete (queryId: string, results: QueryResults, sms: OutboxMessage, now: number): Promise<boolean>
}

export interface OutboxStore {
  /** PENDING|SENDING → SENDING; undefined when already SENT or FAILED (a duplicate delivery) */
  claim (id: string, now: number): Promise<OutboxMessage | undefined>
  /** SENT, recipient and text dropped, and the query (if any) SENT, in one transaction */
  markSent (message: OutboxMessage, providerMessageId: string, now: number): Promise<void>
  markFailed (message: OutboxMessage, now: number): Promise<void>
}

export interface SmsSender {
  /** idempotencyKey: the provider must not deliver twice for the same key where it supports that */
  send (message: { to: string, text: string, idempotencyKey: string }): Promise<{ providerMessageId: string }>
}

/** The release notice over the signed enterprise channel. */
export interface NoticeGateway {
  sendNotice (enterpriseId: string, notice: NumberNotice, signal: AbortSignal): Promise<{ reference?: string }>
}

export interface EnterpriseGateway {
  /** account counts per app id of this enterprise; throws on failure or malformed answers */
  countAccounts (enterpriseId: string, phone: string, signal: AbortSignal): Promise<Record<string, number>>
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
