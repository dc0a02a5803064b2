// Delivery receipts: a provider tells us a message reached the phone (or did not). A receipt counts
// only when it names a message we sent, the provider's own id for that send, and the same number:
// anything else (forged, replayed, for another number) is refused and writes nothing.
import type { Clock, Hasher, OutboxStore } from '#ports'

export interface ReportedDelivery {
  /** our message id, when the provider echoes it (Aliyun out_id); otherwise found by the provider's id */
  messageId?: string
  providerMessageId: string
  /** the number as the provider reports it (with or without +86) */
  phone: string
  delivered: boolean
}

export interface ReceiptDeps {
  clock: Clock
  hasher: Hasher
  outbox: OutboxStore
}

const MAINLAND = /^(?:\+?86)?(1\d{10})$/

const RESULT_SMS = 'result-'

/** the result SMS of a query has the query's id in its own: a receipt reaches the query without a read */
export function resultSmsId (queryId: string): string {
  return `${RESULT_SMS}${queryId}`
}

/** the query a message reports on (its result SMS), from the message id alone */
export function queryOfMessage (messageId: string): string | undefined {
  return messageId.startsWith(RESULT_SMS) && messageId.length > RESULT_SMS.length ? messageId.slice(RESULT_SMS.length) : undefined
}

/** how many receipts were recorded; the rest were refused */
export async function recordDeliveries (deps: ReceiptDeps, reports: readonly ReportedDelivery[]): Promise<number> {
  let recorded = 0
  for (const report of reports) {
    const phone = MAINLAND.exec(report.phone)?.[1]
    if (!phone || !report.providerMessageId) continue
    const messageId = report.messageId || await deps.outbox.messageIdFor(report.providerMessageId)
    if (!messageId) continue
    const queryId = queryOfMessage(messageId)
    const ok = await deps.outbox.markDelivery({
      messageId,
      ...(queryId !== undefined && { queryId }),
      providerMessageId: report.providerMessageId,
      recipientHash: deps.hasher.phone(phone),
      delivered: report.delivered
    }, deps.clock.now())
    if (ok) recorded++
  }
  return recorded
}
