// The dispatcher's rule over the ports: which provider failures are retried and which end the message,
// and how each provider's answer codes are classified.
import { aliyunError } from '../../src/adapters/sms-aliyun'
import { tencentError } from '../../src/adapters/sms-tencent'
import { catalogue } from '../../src/catalogue/index'
import { dispatchSms, SmsRefused, SmsThrottled, type DispatchDeps } from '../../src/domain/dispatch'
import { codeSms, smsTemplates } from '../../src/domain/sms-templates'
import type { OutboxMessage, OutboxStore, SmsSender } from '#ports'

function deps (send: SmsSender['send'], message: OutboxMessage = { id: 'm1', to: '13800005551', ...codeSms('042817') }) {
  const calls: string[] = []
  const waits: number[] = []
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
    sleep: async ms => { waits.push(ms) }
  }
  return { d, calls, waits }
}

test('a refusal ends the message after one try; it is not retried', async () => {
  let tries = 0
  const { d, calls } = deps(async () => { tries++; throw new SmsRefused('rate-limited', 'isv.BUSINESS_LIMIT_CONTROL') })
  expect(await dispatchSms(d, 'm1')).toEqual({ status: 'failed', error: 'SMS refused (rate-limited): isv.BUSINESS_LIMIT_CONTROL' })
  expect(tries).toBe(1)
  expect(calls).toEqual(['failed'])
})

test('any other failure is retried with a growing backoff, then deferred: not marked, left for the stream\'s retry', async () => {
  let tries = 0
  const { d, calls, waits } = deps(async () => { tries++; throw new Error('socket hang up') })
  expect(await dispatchSms(d, 'm1')).toEqual({ status: 'deferred', error: 'socket hang up' })
  expect(tries).toBe(3)
  expect(waits).toEqual([200, 400])
  // neither SENT nor FAILED: the message stays SENDING, claimable by the redelivered record
  expect(calls).toEqual([])
})

test('provider throttling backs off longer than a network blip, then is deferred too', async () => {
  let tries = 0
  const { d, calls, waits } = deps(async () => { tries++; throw new SmsThrottled('Throttling.User') })
  expect(await dispatchSms(d, 'm1')).toEqual({ status: 'deferred', error: 'SMS throttled by the provider: Throttling.User' })
  expect(tries).toBe(3)
  expect(waits).toEqual([1000, 2000])
  expect(calls).toEqual([])
})

test('throttled, then accepted within the invocation: SENT once', async () => {
  let tries = 0
  const { d, calls, waits } = deps(async () => { if (++tries === 1) throw new SmsThrottled('RequestLimitExceeded'); return { providerMessageId: 'p1' } })
  expect(await dispatchSms(d, 'm1')).toEqual({ status: 'sent' })
  expect(waits).toEqual([1000])
  expect(calls).toEqual(['sent'])
})

test('a refusal after a transient failure still ends the message at once', async () => {
  let tries = 0
  const { d, calls } = deps(async () => { if (++tries === 1) throw new Error('ECONNRESET'); throw new SmsRefused('invalid-number', 'isv.MOBILE_NUMBER_ILLEGAL') })
  expect((await dispatchSms(d, 'm1')).status).toBe('failed')
  expect(tries).toBe(2)
  expect(calls).toEqual(['failed'])
})

const kind = (e: Error | undefined) => e instanceof SmsRefused ? `refused:${e.reason}` : e instanceof SmsThrottled ? 'throttled' : 'retried'

test.each([
  ['Throttling.User', 'throttled'],
  ['Throttling.Api', 'throttled'],
  ['Throttling', 'throttled'],
  ['isp.SYSTEM_ERROR', 'retried'],
  ['ServiceUnavailable', 'retried'],
  // the per-number frequency control is a "no" for this number, not our account's QPS
  ['isv.BUSINESS_LIMIT_CONTROL', 'refused:rate-limited'],
  ['isv.DAY_LIMIT_CONTROL', 'refused:rate-limited'],
  ['isv.MOBILE_NUMBER_ILLEGAL', 'refused:invalid-number'],
  ['isv.SMS_TEMPLATE_ILLEGAL', 'refused:refused']
])('Aliyun %s: %s', (code, expected) => {
  expect(kind(aliyunError(code))).toBe(expected)
})

test.each([
  ['RequestLimitExceeded', 'throttled'],
  ['RequestLimitExceeded.UinLimitExceeded', 'throttled'],
  ['InternalError.Timeout', 'retried'],
  ['LimitExceeded.PhoneNumberDailyLimit', 'refused:rate-limited'],
  ['LimitExceeded.PhoneNumberThirtySecondLimit', 'refused:rate-limited'],
  ['InvalidParameterValue.IncorrectPhoneNumber', 'refused:invalid-number'],
  ['FailedOperation.SignatureIncorrectOrUnapproved', 'refused:refused']
])('Tencent %s: %s', (code, expected) => {
  expect(kind(tencentError(code))).toBe(expected)
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
