// Hand one outbox message to the SMS provider, at most once per message id where the provider
// honours idempotency keys (see SECURITY.md for providers that do not).
import type { Clock, Hasher, OutboxStore, SmsSender } from '#ports'
import { POLICY } from './policy'
import { renderSms, type SmsTemplates } from './sms-templates'

/**
 * A provider's definite "no" for this message: a per-number or account rate limit, an invalid number,
 * a refused template. Retrying cannot help (and a limit retried only burns the quota), so the message
 * ends FAILED at once. Anything else thrown (network, throttling, provider errors) is retried.
 */
export class SmsRefused extends Error {
  constructor (readonly reason: 'rate-limited' | 'invalid-number' | 'refused', readonly providerCode: string) {
    super(`SMS refused (${reason}): ${providerCode}`)
    this.name = 'SmsRefused'
  }
}

export interface DispatchDeps {
  clock: Clock
  outbox: OutboxStore
  sms: SmsSender
  hasher: Hasher
  smsTemplates: SmsTemplates
  smsSignature?: string
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
  let text: string
  try {
    text = renderSms(deps.smsTemplates, message, deps.smsSignature)
  } catch (err) {
    // a row that no template can render (parameters of an older catalogue) will never send: say so now
    await deps.outbox.markFailed(message, deps.clock.now())
    return { status: 'failed', error: (err as Error).message }
  }
  let error = ''
  for (let attempt = 1; attempt <= tries; attempt++) {
    let sent: Awaited<ReturnType<SmsSender['send']>>
    try {
      sent = await deps.sms.send({ to: message.to, template: message.template, params: message.params, text, idempotencyKey: message.id })
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      if (err instanceof SmsRefused) break
      if (attempt < tries) await sleep(backoff * 2 ** (attempt - 1))
      continue
    }
    const recipientHash = deps.hasher.phone(message.to)
    // a failure to record the send propagates: the redelivered record re-sends under the same key
    await deps.outbox.markSent(message, { providerMessageId: sent.providerMessageId, recipientHash }, deps.clock.now())
    if (sent.delivered) {
      await deps.outbox.markDelivery({ messageId: message.id, providerMessageId: sent.providerMessageId, recipientHash, delivered: true }, deps.clock.now())
    }
    return { status: 'sent' }
  }
  await deps.outbox.markFailed(message, deps.clock.now())
  return { status: 'failed', error }
}
