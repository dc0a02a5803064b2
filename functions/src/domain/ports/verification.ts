// Codes, limit logs, idempotency records, and the carriers' real-name check a code and a query start with.
import type { LimitCheck, LimitName, Refusal } from '../limits'
import type { NewQuery } from './queries'
import type { OutboxMessage } from './sms'

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
