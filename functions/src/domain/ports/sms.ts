// The SMS outbox (the record is the message), the providers' delivery receipts, and the senders.
import type { SmsContent } from '../sms-templates'

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
