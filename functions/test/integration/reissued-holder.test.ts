// The new holder of a re-issued number: enterprises are asked for the accounts bound since the holder
// got the number as well as all of them, and the result SMS adds one sentence when some predate the
// holder (PRODUCT.md, "Number lifecycle"). Real HTTP to the mocked enterprises, DynamoDB Local.
import { CASE_PATHS } from '../../src/contract/cases'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
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

let lastQueryId = ''
async function resultSms (who: { phone: string, idSuffix: string }): Promise<string> {
  sys.clock.advance(61_000) // the next code may be asked for
  const code = await requestCodeAndRead(sys, who.phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { phone: who.phone, idSuffix: who.idSuffix, code, consent: true })
  expect(res.status).toBe(202)
  lastQueryId = res.body.queryId
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

const unbind = (who: { phone: string, idSuffix: string }, proof: { queryId?: string, code?: string }, items: { appId: string, kind: string }[]) =>
  call(sys.url, 'POST', CASE_PATHS.cases, { ...who, ...proof, consent: true, items })

test('前任账号解绑: from the result with the sentence, the holder unbinds the previous holder\'s accounts; the enterprise unbinds, never closes', async () => {
  sys.mock.setFaults('alibaba', { disputeOutcome: 'resolve' })
  sys.mock.setFaults('tencent', { disputeOutcome: 'resolve' })
  const sms = await resultSms(HOLDER)
  expect(sms).toContain('其中2个账号注册于您启用该号码之前')
  // the just-finished query proves the holder, as for other cases
  const res = await unbind(HOLDER, { queryId: lastQueryId }, [{ appId: 'wechat', kind: 'PREVIOUS_HOLDER' }, { appId: 'taobao', kind: 'PREVIOUS_HOLDER' }])
  expect(res.status).toBe(202)
  const { caseId, ticket } = res.body
  const texts = () => sys.sms.all().filter(m => m.to === HOLDER.phone && m.text.includes(ticket)).map(m => m.text)
  await waitFor(() => texts().length >= 1 || undefined, 'acceptance SMS', 30_000)
  expect(texts()[0]).toBe(`【一证通查】您的前任账号解绑申请已受理，工单号${ticket}，涉及淘宝、微信，企业将在5个工作日内解除该号码与前任使用者账号的绑定，结果将短信通知您。`)
  // each enterprise gets the kind: unbind the number from the previous holder's account
  await waitFor(() => sys.mock.disputeRequests.has(`${caseId}.taobao`) || undefined, 'dispute held', 30_000)
  expect(sys.mock.disputeRequests.get(`${caseId}.taobao`)).toMatchObject({ phone: HOLDER.phone, appId: 'taobao', kind: 'PREVIOUS_HOLDER' })
  // the mocked enterprises unbind (their default), told at once: the acceptance started no hour
  // (the other answer, within the hour of that SMS, waits for the hour's end)
  await waitFor(() => texts().some(t => /(淘宝|微信)已处理，解绑账号\d+个。$/.test(t)) || undefined, 'update SMS', 30_000)
  const view = (await call(sys.url, 'GET', CASE_PATHS.case(caseId), undefined, { authorization: `Bearer ${res.body.accessToken}` })).body
  expect(view.items.map((i: { kind: string }) => i.kind)).toEqual(['PREVIOUS_HOLDER', 'PREVIOUS_HOLDER'])
})

test('前任账号解绑 is refused like a failed verification to a stranger and to the holder of a number not re-issued; never mixed, never a closure', async () => {
  const item = [{ appId: 'qq', kind: 'PREVIOUS_HOLDER' }]
  const freshCode = async (phone: string) => { sys.clock.advance(61_000); return requestCodeAndRead(sys, phone) }
  // a stranger with the holder's number (and even a code sent to it) and a wrong suffix
  const stranger = await unbind({ phone: HOLDER.phone, idSuffix: '999999' }, { code: await freshCode(HOLDER.phone) }, item)
  expect([stranger.status, stranger.body]).toEqual([403, { error: expect.objectContaining({ code: 'VERIFICATION_FAILED' }) }])
  // the verified holder of an ordinary number: exactly the same refusal
  const owner = DEMO.subscribers[0]!
  const code = await freshCode(owner.phone)
  const ordinary = await unbind({ phone: owner.phone, idSuffix: owner.idSuffix }, { code }, item)
  expect([ordinary.status, ordinary.body.error.code]).toEqual([stranger.status, stranger.body.error.code])
  expect(ordinary.body.error.message).toBe(stranger.body.error.message)
  // and with another kind, that holder's same code still opens a case: the refusal spent nothing else
  expect((await unbind({ phone: owner.phone, idSuffix: owner.idSuffix }, { code }, [{ appId: 'qq', kind: 'NOT_MINE' }])).status).toBe(202)

  // one kind per case
  const mixed = await unbind(HOLDER, { code: '000000' }, [{ appId: 'qq', kind: 'PREVIOUS_HOLDER' }, { appId: 'jd', kind: 'NOT_MINE' }])
  expect([mixed.status, mixed.body.error.code]).toEqual([400, 'INVALID_INPUT'])

  // an enterprise may not close the previous holder's account
  sys.mock.setFaults('tencent', { disputeOutcome: 'never' })
  const opened = await unbind(HOLDER, { code: await freshCode(HOLDER.phone) }, item)
  expect(opened.status).toBe(202)
  const itemId = `${opened.body.caseId}.qq`
  const callback = (body: unknown) => {
    const path = CASE_PATHS.disputeCallback(itemId)
    const text = JSON.stringify(body)
    sys.clock.advance(1)
    return call(sys.url, 'POST', path, text, signedRequestHeaders('tencent', enterpriseKey(DEV_SECRETS.enterpriseKey, 'tencent'), 'POST', path, text, sys.clock.now()))
  }
  const closed = await callback({ status: 'RESOLVED', accountsAffected: 1, action: 'CANCELLED' })
  expect([closed.status, closed.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  expect((await callback({ status: 'RESOLVED', accountsAffected: 1, action: 'UNBOUND' })).status).toBe(200)
})
