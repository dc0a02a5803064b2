// The new holder of a re-issued number: enterprises are asked for the accounts bound since the holder
// got the number as well as all of them, and the result SMS adds one sentence when some predate the
// holder (PRODUCT.md, "Number lifecycle"). Real HTTP to the mocked enterprises, DynamoDB Local.
import { call, DEMO, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const HOLDER = { phone: '13700001111', idSuffix: '333333' }
const FRESH = { phone: '13700002222', idSuffix: '444444' }
const SENTENCE = '其中2个账号注册于您启用该号码之前，可能属于号码的前任使用者，可在小程序“异议账号处理”中申请解绑。'

let sys: TestSystem
beforeAll(async () => {
  sys = await startTestSystem({
    seed: {
      ...DEMO,
      subscribers: [...DEMO.subscribers, { ...HOLDER, status: 'active' }, { ...FRESH, status: 'active' }],
      bindingDates: {
        // taobao: one account before the holder (2025), one after; wechat: one before
        [HOLDER.phone]: { taobao: ['2025-01-10', '2026-06-15'], wechat: ['2025-05-05'] },
        // re-issued too, but every account is the holder's own
        [FRESH.phone]: { taobao: ['2026-06-20'] }
      },
      events: [
        ...DEMO.events,
        ...[HOLDER, FRESH].flatMap(n => [
          { phone: n.phone, type: 'ACTIVE', effectiveAt: '2024-01-01' },
          { phone: n.phone, type: 'CANCELLED', effectiveAt: '2026-02-01' },
          { phone: n.phone, type: 'REISSUED', effectiveAt: '2026-06-01', idSuffix: n.idSuffix }
        ])
      ]
    }
  })
})
afterAll(async () => { await sys?.stop() })

async function resultSms (who: { phone: string, idSuffix: string }): Promise<string> {
  const code = await requestCodeAndRead(sys, who.phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { phone: who.phone, idSuffix: who.idSuffix, code, consent: true })
  expect(res.status).toBe(202)
  return waitFor(() => sys.sms.all().find(m => m.to === who.phone && m.text.includes('截至'))?.text, 'result SMS', 30_000)
}

test('accounts that predate the holder: the seed text word for word, then one sentence with their number', async () => {
  const text = await resultSms(HOLDER)
  expect(text).toContain('淘宝账号2个')
  expect(text).toContain('微信账号1个。其中')
  expect(text.endsWith(`个。${SENTENCE}`)).toBe(true)
  expect(text.split('。')).toHaveLength(3)
})

test('a re-issued number whose accounts are all the holder\'s own, and an ordinary number: the seed text alone', async () => {
  const fresh = await resultSms(FRESH)
  expect(fresh).toMatch(/账号\d个。$|暂无法查询。$/)
  expect(fresh).not.toContain('其中')
  const ordinary = await resultSms(DEMO.subscribers[0]!)
  expect(ordinary).toBe('【一证通查】截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号0个、QQ账号0个、微信账号1个。')
})
