// Hand one outbox message to the SMS provider, at most once per message id where the provider
// honours idempotency keys (see SECURITY.md for providers that do not).
import type { Clock, OutboxStore, SmsSender } from '#ports'
import { POLICY } from './policy'

export interface DispatchDeps {
  clock: Clock
  outbox: OutboxStore
  sms: SmsSender
  sleep?: (ms: number) => Promise<void>
  tries?: number
  backoffMs?: number
}

export type DispatchOutcome = { status: 'sent' | 'failed' | 'skipped', error?: string }

export async function dispatchSms (deps: DispatchDeps, messageId: string): Promise<DispatchOutcome> {
  const message = await deps.outbox.claim(messageId, deps.clock.now())
  if (!message) return { status: 'skipped' }
  const sleep = deps.sleep ?? ((ms: number) => new Promise(resolve => setTimeout(resolve, ms)))
  const tries = deps.tries ?? POLICY.sms.sendTries
  const backoff = deps.backoffMs ?? POLICY.sms.backoffMs
  let error = ''
  for (let attempt = 1; attempt <= tries; attempt++) {
    let providerMessageId: string
    try {
      ({ providerMessageId } = await deps.sms.send({ to: message.to, text: message.text, idempotencyKey: message.id }))
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      if (attempt < tries) await sleep(backoff * 2 ** (attempt - 1))
      continue
    }
    // a failure to record the send propagates: the redelivered record re-sends under the same key
    await deps.outbox.markSent(message, providerMessageId, deps.clock.now())
    return { status: 'sent' }
  }
  await deps.outbox.markFailed(message, deps.clock.now())
  return { status: 'failed', error }
}
