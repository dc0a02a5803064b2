// Queries: accepted, claimed by the fan-out, completed with their result SMS.
import type { QueryStatus } from '../../contract/index'
import type { NewResultCode, QueryResults } from './result-codes'
import type { OutboxMessage } from './sms'

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
