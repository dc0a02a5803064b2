import { catalogue, parseCatalogue } from '../../src/catalogue/index'
import { chinaMonthDay } from '../../src/domain/china-time'
import { codeSmsText, resultSmsText } from '../../src/domain/sms-text'
import enterprises from '../../src/catalogue/enterprises.json'

const PRODUCT_EXAMPLE = '截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号0个、QQ账号0个、微信账号1个。'
const EXAMPLE_COUNTS = { xianyu: 1, taobao: 1, dingtalk: 0, alipay: 1, douyin: 0, baidu: 2, jd: 1, meituan: 1, kuaishou: 0, qq: 0, wechat: 1 }

test('the result SMS is PRODUCT.md word for word after the signature', () => {
  const text = resultSmsText({ catalogue, phone: '13800005551', results: EXAMPLE_COUNTS, processedAt: Date.parse('2026-07-21T10:00:00+08:00') })
  expect(text).toBe(`【一证通查】${PRODUCT_EXAMPLE}`)
})

test('the signature is configurable', () => {
  const text = resultSmsText({ catalogue, phone: '13800005551', results: EXAMPLE_COUNTS, processedAt: Date.parse('2026-07-21T10:00:00+08:00'), signature: '【测试】' })
  expect(text.startsWith('【测试】截至7月21日')).toBe(true)
})

test('an enterprise without an answer reads 暂无法查询 for exactly its apps, never 0个', () => {
  const results = { ...EXAMPLE_COUNTS, xianyu: 'unavailable', taobao: 'unavailable', dingtalk: 'unavailable' } as const
  const text = resultSmsText({ catalogue, phone: '13800005551', results, processedAt: Date.parse('2026-07-21T10:00:00+08:00') })
  expect(text).toContain('闲鱼账号暂无法查询、淘宝账号暂无法查询、钉钉账号暂无法查询、支付宝账号1个')
  expect(text.match(/暂无法查询/g)).toHaveLength(3)
})

test('an app missing from the results is unavailable too', () => {
  const text = resultSmsText({ catalogue, phone: '13800005551', results: { xianyu: 2 }, processedAt: 0 })
  expect(text).toContain('闲鱼账号2个、淘宝账号暂无法查询')
})

describe('UTC+8 date boundary', () => {
  test('16:00 UTC is already the next day in China', () => {
    expect(chinaMonthDay(Date.parse('2026-07-20T15:59:59.999Z'))).toBe('7月20日')
    expect(chinaMonthDay(Date.parse('2026-07-20T16:00:00.000Z'))).toBe('7月21日')
  })
  test('no leading zeros; year end rolls over', () => {
    expect(chinaMonthDay(Date.parse('2026-01-05T00:00:00+08:00'))).toBe('1月5日')
    expect(chinaMonthDay(Date.parse('2026-12-31T16:00:00Z'))).toBe('1月1日')
  })
})

test('the code SMS', () => {
  expect(codeSmsText('042817')).toBe('【一证通查】您的验证码为042817，5分钟内有效，请勿泄露。')
})

describe('catalogue', () => {
  test('8 enterprises, 11 apps, in SMS order', () => {
    expect(catalogue.enterprises).toHaveLength(8)
    expect(catalogue.apps.map(a => a.id)).toEqual(['xianyu', 'taobao', 'dingtalk', 'alipay', 'douyin', 'baidu', 'jd', 'meituan', 'kuaishou', 'qq', 'wechat'])
  })
  test('a ninth enterprise is data: it appears in the SMS without code changes', () => {
    const ninth = { id: 'pdd', name: '拼多多', accountMode: 'unified', apps: [{ id: 'pdd', label: '拼多多平台账号' }], guide: { details: ['x'], unbind: ['y'], hotline: '1', url: 'https://example.com' } }
    const bigger = parseCatalogue({ enterprises: [...enterprises.enterprises, ninth] })
    const text = resultSmsText({ catalogue: bigger, phone: '13800005551', results: { ...EXAMPLE_COUNTS, pdd: 4 }, processedAt: 0 })
    expect(text.endsWith('微信账号1个、拼多多平台账号4个。')).toBe(true)
  })
  test('duplicate app ids are refused', () => {
    const dup = { ...enterprises.enterprises[0], id: 'other' }
    expect(() => parseCatalogue({ enterprises: [...enterprises.enterprises, dup] })).toThrow(/duplicate app:xianyu/)
  })
  test('an entry without a guide is refused', () => {
    const { guide: _guide, ...bad } = enterprises.enterprises[0]!
    expect(() => parseCatalogue({ enterprises: [bad] })).toThrow()
  })
})
