// The local runtime's SMS "carrier": prints every message, keeps them for GET /dev/sms, honours
// idempotency keys the way a real provider's would (a re-send with the same key delivers nothing),
// and reports delivery at once, so the local runtime marks messages DELIVERED without a receipt route.
import { randomUUID } from 'node:crypto'
import { maskPhone } from '#contract/index'
import type { SmsSender, SmsToSend } from '#ports'

export interface DeliveredSms { to: string, text: string, createdAt: number, providerMessageId: string }

export class LocalSmsProvider implements SmsSender {
  private readonly byKey = new Map<string, string>()
  private readonly delivered: DeliveredSms[] = []
  /** fault knob: share of sends that fail (tests, demos) */
  failRate = 0
  onDeliver: (sms: DeliveredSms) => void = () => {}
  now: () => number = Date.now

  async send ({ to, text, idempotencyKey }: SmsToSend) {
    const known = this.byKey.get(idempotencyKey)
    if (known) return { providerMessageId: known, delivered: true }
    if (this.failRate > 0 && Math.random() < this.failRate) throw new Error('local SMS provider: simulated failure')
    const sms = { to, text, createdAt: this.now(), providerMessageId: randomUUID() }
    this.byKey.set(idempotencyKey, sms.providerMessageId)
    this.delivered.push(sms)
    this.onDeliver(sms)
    return { providerMessageId: sms.providerMessageId, delivered: true }
  }

  /** newest first; recipients masked */
  messagesFor (phone?: string) {
    return this.delivered
      .filter(m => phone === undefined || m.to === phone)
      .map(m => ({ to: maskPhone(m.to), text: m.text, createdAt: new Date(m.createdAt).toISOString(), status: 'DELIVERED' }))
      .reverse()
  }

  all (): readonly DeliveredSms[] { return this.delivered }
}
