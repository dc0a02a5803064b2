// What the domain needs from the outside world. Adapters implement these; tests swap them.
import type { QueryStatus } from './contract/index'

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

export interface EnterpriseGateway {
  /** account counts per app id of this enterprise; throws on failure or malformed answers */
  countAccounts (enterpriseId: string, phone: string, signal: AbortSignal): Promise<Record<string, number>>
}
