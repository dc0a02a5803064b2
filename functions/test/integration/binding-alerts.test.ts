// Binding alerts end to end on DynamoDB Local over real HTTP: opt in and out verified like a query,
// the enterprises' signed sync and events, the alert SMS with its quiet hours and daily cap across a
// China midnight, the end of a subscription with the number, and everything refused writes nothing.
import { ALERT_PATHS, alertCaseLink } from '../../src/contract/alerts'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { bindingHmac, sweepAlerts } from '../../src/domain/alerts'
import { carrierKey, enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { call, ManualClock, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const BOB = { phone: '13900007777', idSuffix: '654321' }
const master = DEV_SECRETS.enterpriseKey
const MIN = 60_000
const HOUR = 60 * MIN
const PATIENT = 30_000
/** 2026-07-21 10:00 China time */
const MORNING = Date.parse('2026-07-21T10:00:00+08:00')

let sys: TestSystem
/** the sweeps run when a test says so, never on the runtime's timer (it would race the assertions on the manual clock) */
const ONLY_EXPLICIT_SWEEPS = { scheduleEveryMs: 3_600_000 }
afterEach(async () => { await sys?.stop() })

async function alerts (who: { phone: string, idSuffix: string }, action: 'on' | 'off', extra: Record<string, unknown> = {}) {
  const code = await requestCodeAndRead(sys, who.phone)
  sys.clock.advance(61_000)
  return call(sys.url, 'POST', ALERT_PATHS.bindingAlerts, { ...who, code, action, ...(action === 'on' && { consent: true }), ...extra })
}

function signed (caller: string, method: string, path: string, body?: unknown, o: { key?: string, at?: number } = {}) {
  const text = body === undefined ? '' : JSON.stringify(body)
  sys.clock.advance(1)
  const headers = signedRequestHeaders(caller, o.key ?? enterpriseKey(master, caller), method, path, text, o.at ?? sys.clock.now())
  return { send: () => call(sys.url, method, path, body === undefined ? undefined : text, headers), headers, text }
}

let seq = 0
const event = (phone: string, appId: string, boundAt = sys.clock.now(), eventId = `e${++seq}`) =>
  ({ eventId, phone, appId, boundAt: new Date(boundAt).toISOString() })
const report = (enterpriseId: string, events: unknown[]) => signed(enterpriseId, 'POST', ALERT_PATHS.bindingEvents, { events }).send()
const page = (enterpriseId: string, cursor?: string) =>
  signed(enterpriseId, 'GET', ALERT_PATHS.subscriptions + (cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`)).send()

const alertSms = (phone = ALICE.phone) => sys.sms.all().filter(m => m.to === phone && m.text.includes('新绑定了您尾号')).map(m => m.text)
const table = async (name: string) => (await sys.dump())[name]!
const storedEvents = () => table('BindingEvents')

test('opt in: verified like a query, its own consent, one SMS word for word, hashes only; every enterprise gets its own HMAC, nothing more', async () => {
  sys = await startTestSystem({ clock: new ManualClock(MORNING), ...ONLY_EXPLICIT_SWEEPS })
  // no consent: refused before the code is tried, nothing written
  const refused = await alerts(ALICE, 'on', { consent: false })
  expect([refused.status, refused.body.error.code, refused.body.error.fields]).toEqual([400, 'INVALID_INPUT', { consent: '开通绑定提醒需要您单独同意' }])
  expect(await table('AlertSubscriptions')).toEqual([])
  // a wrong suffix: the verification's refusal, nothing written
  const wrong = await alerts({ ...ALICE, idSuffix: '000000' }, 'on')
  expect([wrong.status, wrong.body.error.code]).toEqual([403, 'VERIFICATION_FAILED'])
  expect(await table('AlertSubscriptions')).toEqual([])

  const on = await alerts(ALICE, 'on')
  expect([on.status, on.body]).toEqual([200, { maskedPhone: '138****5551', alerts: 'ON' }])
  await waitFor(() => sys.sms.all().find(m => m.text.includes('开通')), 'confirmation SMS')
  expect(sys.sms.all().filter(m => m.to === ALICE.phone && m.text.includes('绑定提醒')).map(m => m.text)).toEqual([
    '【一证通查】您已开通一证通查绑定提醒：有互联网应用新绑定尾号5551的号码时，我们将短信告知您。可在小程序内关闭。'
  ])
  // the code was consumed with the change
  const again = await call(sys.url, 'POST', ALERT_PATHS.bindingAlerts, { ...ALICE, code: '000000', action: 'off' })
  expect(again.body.error.code).toBe('CODE_INVALID')

  const rows = await table('AlertSubscriptions')
  const text = JSON.stringify(rows)
  for (const clear of [ALICE.phone, ALICE.idSuffix, '5551']) expect(text).not.toContain(clear)
  expect(rows.filter(r => String(r.pk).startsWith('row#'))).toHaveLength(8)

  // each enterprise sees its own HMAC of the number, under its own key; another's key gives another value
  const alibaba = await page('alibaba')
  expect(alibaba.status).toBe(200)
  expect(alibaba.body.subscriptions.map((s: { hmac: string }) => s.hmac)).toEqual([bindingHmac(enterpriseKey(master, 'alibaba'), ALICE.phone)])
  expect(alibaba.body.nextCursor).toBeUndefined()
  const jd = await page('jd')
  expect(jd.body.subscriptions.map((s: { hmac: string }) => s.hmac)).toEqual([bindingHmac(enterpriseKey(master, 'jd'), ALICE.phone)])
  expect(jd.body.subscriptions[0].hmac).not.toBe(alibaba.body.subscriptions[0].hmac)
  // a cursor made of another enterprise's row reaches only the caller's own rows
  const cursor = `0.${alibaba.body.subscriptions[0].hmac}`
  const crossed = await page('jd', cursor)
  expect(crossed.status).toBe(200)
  expect(crossed.body.subscriptions.map((s: { hmac: string }) => s.hmac)).toEqual([jd.body.subscriptions[0].hmac])
  for (const bad of ['x', '1.abc', `${'9'.repeat(17)}.${'a'.repeat(64)}`]) {
    const res = await page('jd', bad)
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  }
  // unsigned, forged (another enterprise's key), replayed
  expect((await call(sys.url, 'GET', ALERT_PATHS.subscriptions)).status).toBe(401)
  expect((await signed('jd', 'GET', ALERT_PATHS.subscriptions, undefined, { key: enterpriseKey(master, 'alibaba') }).send()).status).toBe(401)
  const once = signed('jd', 'GET', ALERT_PATHS.subscriptions)
  expect((await once.send()).status).toBe(200)
  expect((await once.send()).status).toBe(401)

  // off: one SMS, every row gone
  const off = await alerts(ALICE, 'off')
  expect([off.status, off.body]).toEqual([200, { maskedPhone: '138****5551', alerts: 'OFF' }])
  const offSms = () => sys.sms.all().filter(m => m.text.startsWith('【一证通查】您已关闭')).map(m => m.text)
  await waitFor(() => offSms().length || undefined, 'off SMS')
  expect(offSms()).toEqual(['【一证通查】您已关闭一证通查绑定提醒，尾号5551的号码将不再收到新绑定通知。'])
  expect((await table('AlertSubscriptions')).filter(r => String(r.pk).startsWith('row#') || String(r.pk).startsWith('sub#'))).toEqual([])
  expect((await page('alibaba')).body.subscriptions).toEqual([])
}, 60_000)

test('events: only subscribed numbers are stored, once; forged, replayed, cross-enterprise and hostile batches write nothing; the alert follows within the minute', async () => {
  sys = await startTestSystem({ clock: new ManualClock(MORNING - 10 * MIN), ...ONLY_EXPLICIT_SWEEPS })
  await alerts(ALICE, 'on')
  sys.clock.t = MORNING

  const before = await storedEvents()
  // forged: jd's key signing as alibaba; unsigned; a carrier key
  const batch = { events: [event(ALICE.phone, 'taobao')] }
  expect((await signed('alibaba', 'POST', ALERT_PATHS.bindingEvents, batch, { key: enterpriseKey(master, 'jd') }).send()).status).toBe(401)
  expect((await call(sys.url, 'POST', ALERT_PATHS.bindingEvents, batch)).status).toBe(401)
  expect((await signed('alibaba', 'POST', ALERT_PATHS.bindingEvents, batch, { key: carrierKey(master, 'cmcc') }).send()).status).toBe(401)
  expect((await signed('alibaba', 'POST', ALERT_PATHS.bindingEvents, batch, { at: sys.clock.now() - 10 * MIN }).send()).status).toBe(401)
  // cross-enterprise: alibaba reporting jd's app refuses the whole batch, its own event included
  const crossed = await report('alibaba', [event(ALICE.phone, 'taobao'), event(ALICE.phone, 'jd')])
  expect([crossed.status, crossed.body.error.code, crossed.body.error.fields]).toEqual([400, 'INVALID_INPUT', { 'events.1.appId': '该应用不属于本企业' }])
  // hostile input
  for (const body of [
    { events: [] },
    { events: Array.from({ length: 1001 }, () => event(ALICE.phone, 'taobao')) },
    { events: [{ ...event(ALICE.phone, 'taobao'), extra: 1 }] },
    { events: [event(ALICE.phone, 'taobao', Date.now(), 'x'.repeat(65))] },
    { events: [{ ...event(ALICE.phone, 'taobao'), boundAt: '2026-07-21' }] },
    { events: [{ ...event(ALICE.phone, 'taobao'), phone: '1380000555' }] },
    { events: [{ ...event(ALICE.phone, 'taobao'), appId: '../x' }] },
    { events: 'x' }
  ]) {
    const res = await signed('alibaba', 'POST', ALERT_PATHS.bindingEvents, body).send()
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_INPUT'])
  }
  const raw = '{"events": ['
  const notJson = signedRequestHeaders('alibaba', enterpriseKey(master, 'alibaba'), 'POST', ALERT_PATHS.bindingEvents, raw, sys.clock.now())
  expect((await call(sys.url, 'POST', ALERT_PATHS.bindingEvents, raw, notJson)).body.error.code).toBe('INVALID_INPUT')
  expect(await storedEvents()).toEqual(before)
  expect(alertSms()).toEqual([])

  // one subscribed, one not, one too old, one in the future (and one bound before the subscription began: dropped)
  const bound = Date.parse('2026-07-21T09:58:00+08:00') // after the opt-in at 09:51
  const taken = signed('alibaba', 'POST', ALERT_PATHS.bindingEvents, {
    events: [
      event(ALICE.phone, 'taobao', bound, 'a1'),
      event(BOB.phone, 'taobao', bound, 'b1'),
      event(ALICE.phone, 'xianyu', sys.clock.now() - 25 * HOUR, 'old'),
      event(ALICE.phone, 'xianyu', sys.clock.now() + 10 * MIN, 'future'),
      event(ALICE.phone, 'dingtalk', MORNING - 20 * MIN, 'before')
    ]
  })
  const res = await taken.send()
  expect([res.status, res.body.results]).toEqual([200, [
    { eventId: 'a1', outcome: 'ACCEPTED' },
    { eventId: 'b1', outcome: 'ACCEPTED' },
    { eventId: 'old', outcome: 'REJECTED', reason: 'TOO_OLD' },
    { eventId: 'future', outcome: 'REJECTED', reason: 'BOUND_AT_IN_FUTURE' },
    { eventId: 'before', outcome: 'ACCEPTED' }
  ]])
  // the replayed request is refused; the same event id in a fresh request is a duplicate
  expect((await taken.send()).status).toBe(401)
  expect((await report('alibaba', [event(ALICE.phone, 'taobao', bound, 'a1')])).body.results).toEqual([{ eventId: 'a1', outcome: 'DUPLICATE' }])
  // Bob's event was never stored: exactly the subscribed one
  const stored = await storedEvents()
  expect(stored).toHaveLength(1)
  expect(JSON.stringify(stored)).not.toContain(BOB.phone)
  expect(JSON.stringify(stored)).not.toContain(ALICE.phone)

  await waitFor(() => alertSms().length === 1 || undefined, 'alert SMS', PATIENT)
  expect(alertSms()).toEqual(['【一证通查】淘宝于7月21日9:58新绑定了您尾号5551的号码。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。'])
  // once sent, the event keeps no sealed number
  await waitFor(async () => (await storedEvents())[0]!.status === 'SENT' || undefined, 'sent')
  expect((await storedEvents())[0]!.phoneSealed).toBeUndefined()
  expect(alertSms(BOB.phone)).toEqual([])
}, 60_000)

test('quiet hours and the daily cap across a China midnight: three a day, the rest folded into the next day\'s first alert at 08:00', async () => {
  // 20:50 China time
  sys = await startTestSystem({ clock: new ManualClock(Date.parse('2026-07-21T20:50:00+08:00')), ...ONLY_EXPLICIT_SWEEPS })
  await alerts(ALICE, 'on')
  const apps = ['taobao', 'xianyu', 'dingtalk', 'alipay']
  // three alerts in the evening, one SMS each
  for (const [i, appId] of apps.slice(0, 3).entries()) {
    await report(appId === 'alipay' ? 'alipay' : 'alibaba', [event(ALICE.phone, appId)])
    await waitFor(() => alertSms().length === i + 1 || undefined, `alert ${i + 1}`, PATIENT)
  }
  // the fourth of the day is held (the cap), so is one during quiet hours, and one after midnight
  await report('alipay', [event(ALICE.phone, 'alipay')])
  sys.clock.t = Date.parse('2026-07-21T22:30:00+08:00')
  await report('tencent', [event(ALICE.phone, 'qq')])
  sys.clock.t = Date.parse('2026-07-22T00:30:00+08:00')
  await report('alibaba', [event(ALICE.phone, 'taobao')])
  await waitFor(async () => (await storedEvents()).filter(e => e.status === 'HELD').length === 3 || undefined, '3 held', PATIENT)

  // 07:59: still quiet, nothing goes
  sys.clock.t = Date.parse('2026-07-22T07:59:00+08:00')
  await sweepAlerts(sys.runtime)
  expect(alertSms()).toHaveLength(3)
  // 08:00: one SMS folds the three (3 apps, the first two named, the day of the first binding)
  sys.clock.t = Date.parse('2026-07-22T08:00:30+08:00')
  expect(await sweepAlerts(sys.runtime)).toMatchObject({ sent: 3 })
  await waitFor(() => alertSms().length === 4 || undefined, 'folded alert', PATIENT)
  expect(alertSms()[3]).toBe('【一证通查】支付宝、QQ等3个应用新绑定了您尾号5551的号码（7月21日）。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。')
  expect(await sweepAlerts(sys.runtime)).toMatchObject({ sent: 0, held: 0 })

  // the new day has two more: the 5th alert SMS of the 22nd is held until the 23rd
  sys.clock.t = Date.parse('2026-07-22T09:00:00+08:00')
  for (const appId of ['dingtalk', 'xianyu']) await report('alibaba', [event(ALICE.phone, appId)])
  await waitFor(() => alertSms().length === 6 || undefined, 'two more', PATIENT)
  await report('jd', [event(ALICE.phone, 'jd')])
  await waitFor(async () => (await storedEvents()).filter(e => e.status === 'HELD').length === 1 || undefined, 'held by the cap', PATIENT)
  sys.clock.t = Date.parse('2026-07-22T23:00:00+08:00')
  await sweepAlerts(sys.runtime)
  expect(alertSms()).toHaveLength(6)
  sys.clock.t = Date.parse('2026-07-23T08:01:00+08:00')
  await sweepAlerts(sys.runtime)
  await waitFor(() => alertSms().length === 7 || undefined, 'next day', PATIENT)
  expect(alertSms()[6]).toMatch(/^【一证通查】京东平台于7月22日9:00新绑定了您尾号5551的号码。/)
}, 90_000)

test('a subscription ends with the number\'s cancellation: rows gone from every enterprise\'s sync, later events dropped unstored', async () => {
  sys = await startTestSystem({ clock: new ManualClock(MORNING), ...ONLY_EXPLICIT_SWEEPS })
  await alerts(ALICE, 'on')
  expect((await page('alibaba')).body.subscriptions).toHaveLength(1)
  const cancel = signed('cmcc', 'POST', LIFECYCLE_PATHS.numberEvents,
    { events: [{ eventId: 'c1', phone: ALICE.phone, type: 'CANCELLED', effectiveAt: new Date(sys.clock.now()).toISOString() }] },
    { key: carrierKey(master, 'cmcc') })
  expect((await cancel.send()).body.results[0].outcome).toBe('APPLIED')
  expect((await table('AlertSubscriptions')).filter(r => !String(r.pk).startsWith('state#'))).toEqual([])
  for (const id of ['alibaba', 'tencent', 'jd']) expect((await page(id)).body.subscriptions).toEqual([])
  expect((await report('alibaba', [event(ALICE.phone, 'taobao')])).body.results[0].outcome).toBe('ACCEPTED')
  expect(await storedEvents()).toEqual([])
}, 60_000)

test('an event held while its number unsubscribes is dropped with its sealed number, no SMS', async () => {
  sys = await startTestSystem({ clock: new ManualClock(Date.parse('2026-07-21T23:00:00+08:00')), ...ONLY_EXPLICIT_SWEEPS })
  await alerts(ALICE, 'on')
  await report('alibaba', [event(ALICE.phone, 'taobao')])
  await waitFor(async () => (await storedEvents())[0]?.status === 'HELD' || undefined, 'held', PATIENT)
  sys.clock.t = Date.parse('2026-07-22T07:00:00+08:00')
  await alerts(ALICE, 'off')
  sys.clock.t = Date.parse('2026-07-22T08:01:00+08:00')
  expect(await sweepAlerts(sys.runtime)).toMatchObject({ dropped: 1 })
  const [dropped] = await storedEvents()
  expect(dropped).toMatchObject({ status: 'DROPPED' })
  expect(dropped!.phoneSealed).toBeUndefined()
  expect(alertSms()).toEqual([])
}, 60_000)

test('the mocked enterprises speak the protocol: sync their own HMACs, report only subscribed numbers; the alert leads to a NOT_MINE case', async () => {
  sys = await startTestSystem({ clock: new ManualClock(MORNING), ...ONLY_EXPLICIT_SWEEPS })
  await alerts(ALICE, 'on')
  expect(await sys.mock.bind('tencent', 'wechat', BOB.phone)).toBe('not-subscribed')
  expect(await sys.mock.bind('tencent', 'wechat', ALICE.phone)).toBe('reported')
  expect(sys.mock.subscriptions.tencent).toEqual(new Set([bindingHmac(enterpriseKey(master, 'tencent'), ALICE.phone)]))
  await waitFor(() => alertSms().length === 1 || undefined, 'alert', PATIENT)
  expect(alertSms()[0]).toMatch(/^【一证通查】微信于7月21日10:0\d新绑定了您尾号5551的号码。/)
  expect(await storedEvents()).toHaveLength(1)
  expect(alertCaseLink('wechat')).toBe('/case/new/index?kind=NOT_MINE&appId=wechat')
}, 60_000)
