// The mainland SMS providers through their real SDKs, pointed at loopback fakes of their HTTP APIs:
// what each is sent (sign name, template, parameters, our message id, a signed request), how each of
// their errors ends the message (FAILED at once, or retried), and their delivery receipts, genuine,
// forged and replayed, over the real receipt route.
import fc from 'fast-check'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { aliyunSmsSender } from '../../src/adapters/sms-aliyun'
import { tencentSmsSender } from '../../src/adapters/sms-tencent'
import { AliyunSmsSettings, DEV_SECRETS, TencentSmsSettings, type Secrets } from '../../src/adapters/secrets'
import { outboxItem } from '../../src/adapters/dynamo/outbox-store'
import { catalogue } from '../../src/catalogue/index'
import { POLICY } from '../../src/domain/policy'
import { codeSms, renderSms, resultSms, smsTemplates } from '../../src/domain/sms-templates'
import { FUNCTIONS } from '../../src/infra-shared/functions'
import type { OutboxMessage } from '#ports'
import { call, startTestSystem, waitFor, type TestSystem } from '../support/harness'
import { raw } from '../support/raw-http'
import { fakeAliyun, fakeTencent, type Behaviour, type FakeCall, type FakeProvider } from '../support/sms-provider-fakes'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const ALICE_SMS = '【一证通查】截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号0个、QQ账号0个、微信账号1个。'
const TOKEN = 'receipt-token-0123456789abcdefghijklmnop'
const TEMPLATES = smsTemplates(catalogue)
/** the secrets as the deployed parameter would hold them, with a provider's account */
const withSms = (sms: Secrets['sms']) => ({ get: async (): Promise<Secrets> => ({ ...DEV_SECRETS, sms }) })

interface Sent { signName: string, template: string, params: Record<string, string>, messageId: string, phone: string, credential: string }

interface Provider {
  name: 'aliyun' | 'tencent'
  start (): Promise<FakeProvider>
  install (sys: TestSystem, fake: FakeProvider): void
  /** what the SDK put on the wire, read back the way the provider would */
  sent (call: FakeCall): Sent
  /** the provider's id for the n-th accepted send */
  providerId (n: number): string
  /** a status report as the provider pushes it */
  report (r: { messageId: string, providerId: string, phone: string, delivered: boolean }): Record<string, unknown>
  limit: string
  invalidNumber: string
  /** API-level throttling: retried */
  throttled: Behaviour
  systemError: Behaviour
}

const PROVIDERS: Provider[] = [
  {
    name: 'aliyun',
    start: fakeAliyun,
    install (sys, fake) {
      const settings = AliyunSmsSettings.parse({
        accessKeyId: 'test-ak', accessKeySecret: 'test-secret', endpoint: fake.endpoint, protocol: 'http',
        templateCodes: { code: 'SMS_100001', result: 'SMS_100002' }, receiptToken: TOKEN
      })
      sys.runtime.sms = aliyunSmsSender(settings, sys.runtime.smsSignature)
      sys.runtime.secrets = withSms({ aliyun: settings })
    },
    sent: c => ({
      signName: c.query.get('SignName')!,
      template: c.query.get('TemplateCode')!,
      params: JSON.parse(c.query.get('TemplateParam')!),
      messageId: c.query.get('OutId')!,
      phone: c.query.get('PhoneNumbers')!,
      credential: String(c.headers.authorization)
    }),
    providerId: n => `biz-${n}`,
    report: r => ({
      phone_number: r.phone, send_time: '2026-07-21 10:00:00', report_time: '2026-07-21 10:00:03', success: r.delivered,
      err_code: r.delivered ? 'DELIVERED' : 'MK:0001', err_msg: r.delivered ? '用户接收成功' : '失败', sms_size: '2', biz_id: r.providerId, out_id: r.messageId
    }),
    limit: 'isv.BUSINESS_LIMIT_CONTROL',
    invalidNumber: 'isv.MOBILE_NUMBER_ILLEGAL',
    throttled: { httpStatus: 400, code: 'Throttling.User' },
    systemError: { code: 'isp.SYSTEM_ERROR' }
  },
  {
    name: 'tencent',
    start: fakeTencent,
    install (sys, fake) {
      const settings = TencentSmsSettings.parse({
        secretId: 'test-sid', secretKey: 'test-skey', smsSdkAppId: '1400000001', endpoint: fake.endpoint, protocol: 'http',
        templateIds: { code: '2000001', result: '2000002' }, receiptToken: TOKEN
      })
      sys.runtime.sms = tencentSmsSender(settings, async () => TEMPLATES, sys.runtime.smsSignature)
      sys.runtime.secrets = withSms({ tencent: settings })
    },
    sent: c => {
      const b = JSON.parse(c.body)
      expect(b.SmsSdkAppId).toBe('1400000001')
      const template = b.TemplateId as string
      const names = template === '2000001' ? TEMPLATES.code.params : TEMPLATES.result.params
      expect(b.TemplateParamSet).toHaveLength(names.length)
      return {
        signName: b.SignName,
        template,
        params: Object.fromEntries(names.map((p, i) => [p, b.TemplateParamSet[i]])),
        messageId: b.SessionContext,
        phone: b.PhoneNumberSet[0],
        credential: String(c.headers.authorization)
      }
    },
    providerId: n => `serial-${n}`,
    report: r => ({
      user_receive_time: '2026-07-21 10:00:03', nationcode: '86', mobile: r.phone, report_status: r.delivered ? 'SUCCESS' : 'FAIL',
      errmsg: r.delivered ? 'DELIVRD' : 'MI:0013', description: r.delivered ? '用户短信送达成功' : '失败', sid: r.providerId
    }),
    limit: 'LimitExceeded.PhoneNumberDailyLimit',
    invalidNumber: 'InvalidParameterValue.IncorrectPhoneNumber',
    throttled: { httpStatus: 200, code: 'RequestLimitExceeded' },
    systemError: { httpStatus: 200, code: 'InternalError.Timeout' }
  }
]

describe.each(PROVIDERS)('$name', provider => {
  let sys: TestSystem
  let fake: FakeProvider
  beforeAll(async () => {
    sys = await startTestSystem()
    fake = await provider.start()
    provider.install(sys, fake)
  })
  afterAll(async () => { await sys.stop(); await fake.close() })
  beforeEach(() => { fake.script.length = 0 })

  const outboxRow = async (id: string) => (await sys.dump()).SmsOutbox!.find(m => m.pk === id)
  const settledRow = (id: string) => waitFor(async () => {
    const row = await outboxRow(id)
    return row && !['PENDING', 'SENDING'].includes(row.status as string) ? row : undefined
  }, `message ${id} settled`)

  /** an outbox row written as the code path writes it: the stream poller dispatches it through the provider */
  async function queueCode (phone = ALICE.phone, code = '042817'): Promise<string> {
    const message: OutboxMessage = { id: `test-${Math.random().toString(36).slice(2)}`, to: phone, ...codeSms(code) }
    await sys.runtime.doc.send(new PutCommand({ TableName: sys.table('SmsOutbox'), Item: outboxItem(message, sys.clock.now()) }))
    return message.id
  }

  const callsFor = (messageId: string) => fake.calls.filter(c => provider.sent(c).messageId === messageId)

  test('a code SMS: the registered sign name and template, the code as its parameter, our message id, a signed request', async () => {
    const id = await queueCode()
    const row = await settledRow(id)
    const [only] = callsFor(id)
    const sent = provider.sent(only!)
    expect(sent.signName).toBe('一证通查')
    expect(sent.template).toBe(provider.name === 'aliyun' ? 'SMS_100001' : '2000001')
    expect(sent.params).toEqual({ code: '042817' })
    expect(sent.phone).toBe(provider.name === 'aliyun' ? ALICE.phone : `+86${ALICE.phone}`)
    expect(sent.credential).toMatch(provider.name === 'aliyun' ? /^ACS3-HMAC-SHA256 Credential=test-ak,/ : /^TC3-HMAC-SHA256 Credential=test-sid\//)
    expect(row).toMatchObject({ status: 'SENT', providerMessageId: provider.providerId(fake.calls.indexOf(only!) + 1) })
    expect(row).not.toHaveProperty('params')
    expect(row).not.toHaveProperty('to')
  })

  test('the result SMS: the date, the last four digits and one parameter per app; rendered, the seed text word for word', async () => {
    const sms = resultSms({ catalogue, phone: ALICE.phone, results: { xianyu: 1, taobao: 1, dingtalk: 0, alipay: 1, douyin: 0, baidu: 2, jd: 1, meituan: 1, kuaishou: 0, qq: 0, wechat: 1 }, processedAt: sys.clock.now() })
    const id = `result-test-${Math.random().toString(36).slice(2)}`
    await sys.runtime.doc.send(new PutCommand({ TableName: sys.table('SmsOutbox'), Item: outboxItem({ id, to: ALICE.phone, ...sms }, sys.clock.now()) }))
    await settledRow(id)
    const sent = provider.sent(callsFor(id)[0]!)
    expect(sent.template).toBe(provider.name === 'aliyun' ? 'SMS_100002' : '2000002')
    // named for Aliyun (JSON), in the template's order for Tencent
    expect(Object.keys(sent.params).sort()).toEqual([...TEMPLATES.result.params].sort())
    expect(sent.params).toMatchObject({ date: '7月21日', tail: '5551', baidu: '2个', qq: '0个' })
    expect(renderSms(TEMPLATES, { template: 'result', params: sent.params })).toBe(ALICE_SMS)
  })

  test.each([
    ['a per-number / rate-limit control code: one call, FAILED without retry', (p: Provider) => [{ code: p.limit }] as Behaviour[], 1, 'FAILED'],
    ['an invalid number: one call, FAILED', (p: Provider) => [{ code: p.invalidNumber }] as Behaviour[], 1, 'FAILED'],
    ['API throttling: retried, then SENT', (p: Provider) => [p.throttled], 2, 'SENT'],
    ['a provider system error: retried, then SENT', (p: Provider) => [p.systemError], 2, 'SENT'],
    ['a dropped connection: retried, then SENT', () => ['drop'] as Behaviour[], 2, 'SENT'],
    ['throttled past one invocation\'s three tries: the record is retried, then SENT', (p: Provider) => Array(4).fill(p.throttled) as Behaviour[], 5, 'SENT'],
    ['accepted without a provider id: SENT once, not sent again', () => ['ok-without-id'] as Behaviour[], 1, 'SENT']
  ])('%s', async (_what, script, calls, status) => {
    fake.script.push(...script(provider))
    const id = await queueCode()
    const row = await settledRow(id)
    expect(row.status).toBe(status)
    expect(callsFor(id)).toHaveLength(calls)
    // every try under the same id
    expect(new Set(callsFor(id).map(c => provider.sent(c).messageId))).toEqual(new Set([id]))
  })

  describe('a throttled result SMS', () => {
    const TRIES = POLICY.sms.sendTries * (1 + FUNCTIONS.dispatchSms.consumer.retryAttempts)
    const waits: number[] = []
    // the dispatcher's pauses, a tenth as long (the stream poller's own retry backoff stays real)
    beforeAll(() => { sys.runtime.smsSleep = ms => { waits.push(ms); return new Promise(resolve => setTimeout(resolve, ms / 10)) } })
    afterAll(() => { delete sys.runtime.smsSleep })
    beforeEach(() => { waits.length = 0 })

    /** a query whose code SMS went through; the result SMS meets `script` */
    async function queryMeeting (script: Behaviour[]): Promise<{ queryId: string, messageId: string }> {
      sys.clock.advance(3600_000 * 25)
      const seen = fake.calls.length
      expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: ALICE.phone })).status).toBe(202)
      const codeCall = await waitFor(() => fake.calls.slice(seen).find(c => provider.sent(c).params.code), 'code SMS at the provider')
      fake.script.push(...script)
      const q = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code: provider.sent(codeCall).params.code!, consent: true })
      expect(q.status).toBe(202)
      return { queryId: q.body.queryId, messageId: `result-${q.body.queryId}` }
    }
    const queryStatus = async (queryId: string) => (await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body.status

    test('throttled for a while, then accepted: one send accepted, SENT, the query SENT; throttling backed off longer than a blip', async () => {
      const { queryId, messageId } = await queryMeeting(Array(5).fill(provider.throttled))
      // three tries in the first invocation, then the stream's retry: the message waits SENDING, the query PROCESSING
      await waitFor(() => callsFor(messageId).length >= POLICY.sms.sendTries || undefined, 'the first invocation\'s tries')
      expect(await queryStatus(queryId)).toBe('PROCESSING')
      const row = await settledRow(messageId)
      expect(row).toMatchObject({ status: 'SENT', tries: 2, providerMessageId: provider.providerId(fake.calls.indexOf(callsFor(messageId).at(-1)!) + 1) })
      expect(row).not.toHaveProperty('to')
      const calls = callsFor(messageId)
      // five throttled answers and one acceptance, all under our message id
      expect(calls).toHaveLength(6)
      expect(new Set(calls.map(c => provider.sent(c).messageId))).toEqual(new Set([messageId]))
      expect(await queryStatus(queryId)).toBe('SENT')
      expect(waits).toEqual([POLICY.sms.throttleBackoffMs, 2 * POLICY.sms.throttleBackoffMs, POLICY.sms.throttleBackoffMs, 2 * POLICY.sms.throttleBackoffMs])
      expect(sys.deadLetters.filter(d => d.key === messageId)).toEqual([])
    })

    test('throttled for good: the stream\'s retries run out, the record is dead-lettered, the sweep ends message and query FAILED without the number', async () => {
      const { queryId, messageId } = await queryMeeting(Array(TRIES + 5).fill(provider.throttled))
      await waitFor(() => sys.deadLetters.find(d => d.key === messageId), 'the dead letter', 40_000)
      expect(sys.deadLetters.filter(d => d.key === messageId)).toEqual([{ stream: expect.any(String), key: messageId, reason: 'failed' }])
      expect(callsFor(messageId)).toHaveLength(TRIES)
      // still unsent and still claimable (a redrive could send it), the query still waiting for it
      const waiting = await outboxRow(messageId)
      expect(waiting).toMatchObject({ status: 'SENDING', to: ALICE.phone, tries: 1 + FUNCTIONS.dispatchSms.consumer.retryAttempts })
      expect(await queryStatus(queryId)).toBe('PROCESSING')

      // the bound: past it, the sweep ends both; nothing clear is left
      sys.clock.advance(POLICY.stuck.afterMinutes * 60_000 + 1)
      await sys.scheduled.sweepStuck!()
      const ended = await outboxRow(messageId)
      expect(ended).toMatchObject({ status: 'FAILED' })
      expect(ended).not.toHaveProperty('to')
      expect(ended).not.toHaveProperty('params')
      expect(await queryStatus(queryId)).toBe('FAILED')
      // a late redelivery finds nothing to send
      expect(await sys.runtime.outbox.claim(messageId, sys.clock.now())).toBeUndefined()
      expect(callsFor(messageId)).toHaveLength(TRIES)
    }, 60_000)
  })

  describe('delivery receipts', () => {
    const receiptPath = (token = TOKEN, name: string = provider.name) => `/v1/sms-receipts/${name}/${token}`
    const post = (body: unknown, path = receiptPath()) =>
      raw(sys.url, { method: 'POST', path, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

    async function sentQuery (): Promise<{ queryId: string, messageId: string, providerId: string }> {
      // a whole query, its result SMS sent through the provider fake
      sys.clock.advance(3600_000 * 25)
      const seen = fake.calls.length
      const res = await call(sys.url, 'POST', '/v1/verification-codes', { phone: ALICE.phone })
      expect(res.status).toBe(202)
      const codeCall = await waitFor(() => fake.calls.slice(seen).find(c => provider.sent(c).params.code), 'code SMS at the provider')
      const code = provider.sent(codeCall).params.code!
      const q = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })
      expect(q.status).toBe(202)
      const messageId = `result-${q.body.queryId}`
      const row = await settledRow(messageId)
      expect(row.status).toBe('SENT')
      expect((await call(sys.url, 'GET', `/v1/queries/${q.body.queryId}`)).body.status).toBe('SENT')
      return { queryId: q.body.queryId, messageId, providerId: row.providerMessageId as string }
    }

    test('a genuine receipt marks the message and the query DELIVERED; the same receipt again is refused and writes nothing', async () => {
      const { queryId, messageId, providerId } = await sentQuery()
      const genuine = provider.report({ messageId, providerId, phone: ALICE.phone, delivered: true })
      const ok = await post([genuine])
      expect(ok.status).toBe(200)
      expect(JSON.parse(ok.text)).toEqual(provider.name === 'aliyun' ? { code: 0, msg: '接收成功' } : { result: 0, errmsg: 'OK' })
      expect(await outboxRow(messageId)).toMatchObject({ status: 'DELIVERED' })
      expect((await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body.status).toBe('DELIVERED')

      const before = await sys.dump()
      const replay = await post([genuine])
      expect(replay.status).toBe(404)
      expect(JSON.parse(replay.text).error.code).toBe('NOT_FOUND')
      // a late "not delivered" for the same send cannot overturn it either
      expect((await post([{ ...genuine, ...provider.report({ messageId, providerId, phone: ALICE.phone, delivered: false }) }])).status).toBe(404)
      expect(await sys.dump()).toEqual(before)
    })

    test('a failed delivery marks the message and the query UNDELIVERED', async () => {
      const { queryId, messageId, providerId } = await sentQuery()
      expect((await post([provider.report({ messageId, providerId, phone: ALICE.phone, delivered: false })])).status).toBe(200)
      expect((await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body.status).toBe('UNDELIVERED')
    })

    test('forged receipts are refused with a stable 4xx and write nothing', async () => {
      const { messageId, providerId } = await sentQuery()
      const genuine = { messageId, providerId, phone: ALICE.phone, delivered: true }
      const before = await sys.dump()
      const refused: [string, Promise<{ status: number, text: string }>, number][] = [
        ['wrong token', post([provider.report(genuine)], receiptPath('x'.repeat(TOKEN.length))), 404],
        ['no token', post([provider.report(genuine)], receiptPath('')), 404],
        ['the other provider\'s path', post([provider.report(genuine)], receiptPath(TOKEN, provider.name === 'aliyun' ? 'tencent' : 'aliyun')), 404],
        ['an unknown provider', post([provider.report(genuine)], receiptPath(TOKEN, 'sns')), 404],
        ['another provider id', post([provider.report({ ...genuine, providerId: 'guessed-id' })]), 404],
        ['another number', post([provider.report({ ...genuine, phone: '13900007777' })]), 404],
        ['a foreign number', post([{ ...provider.report(genuine), ...(provider.name === 'tencent' ? { nationcode: '1' } : { phone_number: `1${ALICE.phone}` }) }]), 404],
        ['an empty batch', post([]), 400],
        ['not this provider\'s format', post([{ hello: 'world' }]), 400],
        ['not JSON', raw(sys.url, { method: 'POST', path: receiptPath(), body: '[{', headers: { 'content-type': 'application/json' } }), 400]
      ]
      for (const [what, reply, status] of refused) {
        const r = await reply
        expect({ what, status: r.status }).toEqual({ what, status })
        expect(JSON.parse(r.text).error.code).toMatch(/^(NOT_FOUND|INVALID_INPUT)$/)
      }
      expect(await sys.dump()).toEqual(before)
    })

    test('hostile bodies on the receipt route: always a 4xx with a stable code, never a write', async () => {
      const before = await sys.dump()
      await fc.assert(fc.asyncProperty(fc.oneof(fc.anything(), fc.array(fc.object(), { maxLength: 120 }), fc.array(fc.dictionary(fc.constantFrom('phone_number', 'success', 'biz_id', 'out_id', 'mobile', 'sid', 'report_status', 'nationcode'), fc.anything()))), async body => {
        const r = await post(body)
        expect(r.status).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(JSON.parse(r.text).error.code).toMatch(/^(NOT_FOUND|INVALID_INPUT|PAYLOAD_TOO_LARGE)$/)
      }), { numRuns: 60 })
      expect(await sys.dump()).toEqual(before)
    })
  })
})
