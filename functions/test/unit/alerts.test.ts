// The pure rules of binding alerts: quiet hours and the daily cap in China time, and the SMS text.
import { catalogue } from '../../src/catalogue/index'
import { alertPlan, alertSms, bindingHmac, chinaMinute, isQuiet, nextDayFirst, quietEnds, sentToday } from '../../src/domain/alerts'
import { renderSms, smsTemplates } from '../../src/domain/sms-templates'

const at = (iso: string) => Date.parse(iso)

test('quiet from 22:00 to 08:00 China time, whatever the UTC date', () => {
  expect(isQuiet(at('2026-07-21T21:59:59+08:00'))).toBe(false)
  expect(isQuiet(at('2026-07-21T22:00:00+08:00'))).toBe(true)
  expect(isQuiet(at('2026-07-22T07:59:59+08:00'))).toBe(true)
  expect(isQuiet(at('2026-07-22T08:00:00+08:00'))).toBe(false)
  // before midnight China time, the next 08:00 is tomorrow's; after it, today's
  expect(quietEnds(at('2026-07-21T23:00:00+08:00'))).toBe(at('2026-07-22T08:00:00+08:00'))
  expect(quietEnds(at('2026-07-22T00:30:00+08:00'))).toBe(at('2026-07-22T08:00:00+08:00'))
  expect(nextDayFirst(at('2026-07-21T09:00:00+08:00'))).toBe(at('2026-07-22T08:00:00+08:00'))
  // 23:30 UTC is already the next China day
  expect(nextDayFirst(at('2026-07-21T23:30:00Z'))).toBe(at('2026-07-23T08:00:00+08:00'))
})

test('the daily cap counts per China day; held events make a new one wait with them, except when folding', () => {
  const day = '2026-07-21'
  const noon = at('2026-07-21T12:00:00+08:00')
  expect(alertPlan(undefined, noon)).toEqual({ send: true })
  expect(alertPlan({ day, sent: 2, held: 0, version: 1 }, noon)).toEqual({ send: true })
  expect(alertPlan({ day, sent: 3, held: 0, version: 1 }, noon)).toEqual({ holdUntil: at('2026-07-22T08:00:00+08:00') })
  // yesterday's three do not count today
  expect(sentToday({ day: '2026-07-20', sent: 3, held: 0, version: 1 }, noon)).toBe(0)
  expect(alertPlan({ day: '2026-07-20', sent: 3, held: 0, version: 1 }, noon)).toEqual({ send: true })
  expect(alertPlan({ day, sent: 1, held: 2, version: 1 }, noon)).toEqual({ holdUntil: noon })
  expect(alertPlan({ day, sent: 1, held: 2, version: 1 }, noon, true)).toEqual({ send: true })
  expect(alertPlan(undefined, at('2026-07-21T23:00:00+08:00'))).toEqual({ holdUntil: at('2026-07-22T08:00:00+08:00') })
})

test('one binding names its app and minute; several, the first two apps and how many, with the first day', () => {
  const t = smsTemplates(catalogue)
  const one = alertSms(catalogue, [{ appId: 'taobao', boundAt: at('2026-12-08T09:05:00+08:00') }], '13800005551')
  expect(renderSms(t, one)).toBe('【一证通查】淘宝于12月8日9:05新绑定了您尾号5551的号码。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。')
  const same = alertSms(catalogue, [{ appId: 'qq', boundAt: at('2026-12-08T09:06:00+08:00') }, { appId: 'qq', boundAt: at('2026-12-08T09:05:00+08:00') }], '13800005551')
  expect(same).toEqual({ template: 'bindingAlert', params: { app: 'QQ', time: '12月8日9:05', tail: '5551' } })
  const several = alertSms(catalogue, [
    { appId: 'jd', boundAt: at('2026-12-08T23:10:00+08:00') },
    { appId: 'douyin', boundAt: at('2026-12-07T22:10:00+08:00') },
    { appId: 'wechat', boundAt: at('2026-12-08T01:00:00+08:00') },
    { appId: 'douyin', boundAt: at('2026-12-08T02:00:00+08:00') }
  ], '13800005551')
  expect(renderSms(t, several)).toBe('【一证通查】抖音平台、微信等3个应用新绑定了您尾号5551的号码（12月7日）。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。')
  expect(chinaMinute(at('2026-12-31T16:00:00Z'))).toBe('1月1日0:00')
})

test('the subscription HMAC is keyed, domain-separated and hex', () => {
  const h = bindingHmac('k1', '13800005551')
  expect(h).toMatch(/^[0-9a-f]{64}$/)
  expect(bindingHmac('k2', '13800005551')).not.toBe(h)
  expect(bindingHmac('k1', '13800005552')).not.toBe(h)
})
