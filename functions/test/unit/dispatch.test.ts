// The dispatcher's rule over the ports: which provider failures are retried and which end the message.
import { catalogue } from '../../src/catalogue/index'
import { dispatchSms, SmsRefused, type DispatchDeps } from '../../src/domain/dispatch'
import { codeSms, smsTemplates } from '../../src/domain/sms-templates'
import type { OutboxMessage, OutboxStore, SmsSender } from '../../src/ports'

function deps (send: SmsSender['send'], message: OutboxMessage = { id: 'm1', to: '13800005551', ...codeSms('042817') }) {
  const calls: string[] = []
  const outbox: OutboxStore = {
    claim: async () => message,
    markSent: async () => { calls.push('sent') },
    markFailed: async () => { calls.push('failed') },
    messageIdFor: async () => undefined,
    markDelivery: async () => { calls.push('delivered'); return true },
    failStuck: async () => 0
  }
  const d: DispatchDeps = {
    clock: { now: () => 0 },
    outbox,
    sms: { send },
    hasher: { phone: p => `h(${p})`, idSuffix: () => '', code: () => '', requester: () => '', fingerprint: () => '' },
    smsTemplates: smsTemplates(catalogue),
    sleep: async () => {}
  }
  return { d, calls }
}

test('a refusal ends the message after one try; it is not retried', async () => {
  let tries = 0
  const { d, calls } = deps(async () => { tries++; throw new SmsRefused('rate-limited', 'isv.BUSINESS_LIMIT_CONTROL') })
  expect(await dispatchSms(d, 'm1')).toEqual({ status: 'failed', error: 'SMS refused (rate-limited): isv.BUSINESS_LIMIT_CONTROL' })
  expect(tries).toBe(1)
  expect(calls).toEqual(['failed'])
})

test('any other failure is retried, then the message fails', async () => {
  let tries = 0
  const { d, calls } = deps(async () => { tries++; throw new Error('socket hang up') })
  expect((await dispatchSms(d, 'm1')).status).toBe('failed')
  expect(tries).toBe(3)
  expect(calls).toEqual(['failed'])
})

test('the sender gets the template, the parameters and the text rendered from them, under our id', async () => {
  const seen: unknown[] = []
  const { d, calls } = deps(async m => { seen.push(m); return { providerMessageId: 'p1' } })
  expect((await dispatchSms(d, 'm1')).status).toBe('sent')
  expect(seen).toEqual([{ to: '13800005551', template: 'code', params: { code: '042817' }, text: '【一证通查】您的验证码为042817，5分钟内有效，请勿泄露。', idempotencyKey: 'm1' }])
  expect(calls).toEqual(['sent'])
})

test('a sender that knows delivery at once (the local carrier) marks it DELIVERED', async () => {
  const { d, calls } = deps(async () => ({ providerMessageId: 'p1', delivered: true }))
  await dispatchSms(d, 'm1')
  expect(calls).toEqual(['sent', 'delivered'])
})

test('a row no template can render fails at once and is never handed to the provider', async () => {
  let tries = 0
  const { d, calls } = deps(async () => { tries++; return { providerMessageId: 'p1' } }, { id: 'm1', to: '13800005551', template: 'result', params: { date: '7月21日' } })
  expect((await dispatchSms(d, 'm1')).status).toBe('failed')
  expect(tries).toBe(0)
  expect(calls).toEqual(['failed'])
})
