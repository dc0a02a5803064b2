// `SMS_PROVIDER=aliyun npm start`: the local runtime sends through the provider's real SDK, here to the
// loopback fake of Aliyun's API, with endpoint and credentials from the environment (SMS_ALIYUN).
import { requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'
import { fakeAliyun, type FakeProvider } from '../support/sms-provider-fakes'

let sys: TestSystem | undefined
let fake: FakeProvider | undefined
afterEach(async () => { await sys?.stop(); await fake?.close(); sys = undefined; fake = undefined })

test('SMS_PROVIDER=aliyun sends the code SMS to the provider named in the environment, not to the simulated carrier', async () => {
  fake = await fakeAliyun()
  const settings = { accessKeyId: 'local-ak', accessKeySecret: 'local-secret', endpoint: fake.endpoint, protocol: 'http', templateCodes: { code: 'SMS_100001', result: 'SMS_100002' } }
  sys = await startTestSystem({ env: { SMS_PROVIDER: 'aliyun', SMS_ALIYUN: JSON.stringify(settings) } })
  const res = await fetch(`${sys.url}/v1/verification-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800005551' }) })
  expect(res.status).toBe(202)
  const call = await waitFor(() => fake!.calls[0], 'a SendSms at the fake', 25_000)
  expect(call.query.get('PhoneNumbers')).toBe('13800005551')
  expect(call.query.get('TemplateCode')).toBe('SMS_100001')
  expect(String(call.headers.authorization)).toContain('local-ak')
  expect(sys.sms.all()).toEqual([]) // the simulated carrier saw nothing
}, 30_000)

test('an SMS_PROVIDER without its settings is a clear message at start', async () => {
  await expect(startTestSystem({ env: { SMS_PROVIDER: 'tencent' } })).rejects.toThrow(/SMS_TENCENT/)
  await expect(startTestSystem({ env: { SMS_PROVIDER: 'carrier-pigeon' } })).rejects.toThrow(/local, aliyun, tencent/)
})

test('without SMS_PROVIDER the simulated carrier delivers, as before', async () => {
  sys = await startTestSystem()
  expect(await requestCodeAndRead(sys, '13800005551')).toMatch(/^\d{6}$/)
})
