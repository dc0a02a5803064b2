// Hand one outbox message to the SMS provider, at most once per message id where the provider
// honours idempotency keys (see SECURITY.md for providers that do not).
//
// Three outcomes: SENT; FAILED at once on a definite "no" (SmsRefused); or, when the provider kept
// failing or throttling through this invocation's tries, `deferred`: the message stays SENDING (still
// claimable) and the handler fails the stream record, so the event source retries it later under the
// same key. Retries are bounded twice over: the consumer's retryAttempts / maxRecordAgeSeconds (then
// the DLQ), and the stuck sweep, which ends anything still holding a clear number after
// POLICY.stuck.afterMinutes as FAILED.
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

/**
 * The provider throttled our API calls (an account QPS cap, not a limit on this number): a "not now".
 * Waited out with a longer backoff than a network blip, then retried like any transient failure.
 */
export class SmsThrottled extends Error {
  constructor (readonly providerCode: string) {
    super(`SMS throttled by the provider: ${providerCode}`)
    this.name = 'SmsThrottled'
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
  throttleBackoffMs?: number
}

/** deferred: not sent yet and still claimable; the caller fails the stream record so it comes again */
export type DispatchOutcome = { status: 'sent' | 'failed' | 'deferred' | 'skipped', error?: string }

export async function dispatchSms (deps: DispatchDeps, messageId: string): Promise<DispatchOutcome> {
  const message = await deps.outbox.claim(messageId, deps.clock.now())
  if (!message) return { status: 'skipped' }
  const sleep = deps.sleep ?? ((ms: number) => new Promise(resolve => setTimeout(resolve, ms)))
  const tries = deps.tries ?? POLICY.sms.sendTries
  const backoff = deps.backoffMs ?? POLICY.sms.backoffMs
  const throttleBackoff = deps.throttleBackoffMs ?? POLICY.sms.throttleBackoffMs
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
      if (err instanceof SmsRefused) {
        await deps.outbox.markFailed(message, deps.clock.now())
        return { status: 'failed', error }
      }
      if (attempt < tries) await sleep((err instanceof SmsThrottled ? throttleBackoff : backoff) * 2 ** (attempt - 1))
      continue
    }
    const recipientHash = deps.hasher.phone(message.to)
    // a failure to record the send propagates: the redelivered record re-sends under the same key
    await deps.outbox.markSent(message, { providerMessageId: sent.providerMessageId, recipientHash }, deps.clock.now())
    if (sent.delivered) {
      await deps.outbox.markDelivery({
        messageId: message.id, ...(message.queryId !== undefined && { queryId: message.queryId }), providerMessageId: sent.providerMessageId, recipientHash, delivered: true
      }, deps.clock.now())
    }
    return { status: 'sent' }
  }
  // transient all along: left SENDING for the stream's retry (the sweep ends it if it never goes)
  return { status: 'deferred', error }
}
