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

/** how many receipts were recorded; the rest were refused */
export async function recordDeliveries (deps: ReceiptDeps, reports: readonly ReportedDelivery[]): Promise<number> {
  let recorded = 0
  for (const report of reports) {
    const phone = MAINLAND.exec(report.phone)?.[1]
    if (!phone || !report.providerMessageId) continue
    const messageId = report.messageId || await deps.outbox.messageIdFor(report.providerMessageId)
    if (!messageId) continue
    const ok = await deps.outbox.markDelivery({
      messageId,
      providerMessageId: report.providerMessageId,
      recipientHash: deps.hasher.phone(phone),
      delivered: report.delivered
    }, deps.clock.now())
    if (ok) recorded++
  }
  return recorded
}
