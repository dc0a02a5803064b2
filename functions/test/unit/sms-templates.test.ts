import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { catalogue, parseCatalogue } from '../../src/catalogue/index'
import { registrationList, registrationTexts, segments, withList } from '../../scripts/sms-templates'
import { chinaMonthDay } from '../../src/domain/china-time'
import { chooseResultSms, codeSms, FULL_FORM_MAX_CHARS, olderAccounts, renderSms, resultSms, signName, smsTemplates, type SmsContent } from '../../src/domain/sms-templates'
import { newResultCode } from '../../src/domain/result-code'
import { RESULT_CODE_ALPHABET } from '../../src/contract/details'
import { TICKET_ALPHABET } from '../../src/contract/cases'
import { bigCatalogue } from '../support/big-catalogue'
import type { Catalogue } from '../../src/catalogue/index'
import enterprises from '../../src/catalogue/enterprises.json'

const PRODUCT_EXAMPLE = '截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号0个、QQ账号0个、微信账号1个。'
const EXAMPLE_COUNTS = { xianyu: 1, taobao: 1, dingtalk: 0, alipay: 1, douyin: 0, baidu: 2, jd: 1, meituan: 1, kuaishou: 0, qq: 0, wechat: 1 }
const TEMPLATES = smsTemplates(catalogue)

/** the text the local inbox and SNS get: rendered from the template the providers are registered with */
function resultSmsText (input: { catalogue: Catalogue, phone: string, results: Parameters<typeof resultSms>[0]['results'], processedAt: number, signature?: string }): string {
  return renderSms(smsTemplates(input.catalogue), resultSms(input), input.signature)
}
const codeSmsText = (code: string) => renderSms(TEMPLATES, codeSms(code))

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

describe('templates and parameters', () => {
  test('the result template: the date, the last four digits and one parameter per app, in SMS order', () => {
    expect(TEMPLATES.result.params).toEqual(['date', 'tail', ...catalogue.apps.map(a => a.id)])
    expect(TEMPLATES.result.text).toBe('截至{date}，您名下尾号为{tail}的电话卡所注册的互联网账号如下：闲鱼账号{xianyu}、淘宝账号{taobao}、钉钉账号{dingtalk}、支付宝账号{alipay}、抖音平台账号{douyin}、百度平台账号{baidu}、京东平台账号{jd}、美团平台账号{meituan}、快手平台账号{kuaishou}、QQ账号{qq}、微信账号{wechat}。')
    expect(resultSms({ catalogue, phone: '13800005551', results: { ...EXAMPLE_COUNTS, qq: 'unavailable' }, processedAt: Date.parse('2026-07-21T10:00:00+08:00') }).params)
      .toMatchObject({ date: '7月21日', tail: '5551', xianyu: '1个', dingtalk: '0个', qq: '暂无法查询' })
  })
  test('the code SMS is the code template with one parameter', () => {
    expect(codeSms('042817')).toEqual({ template: 'code', params: { code: '042817' } })
  })
  test('a missing, extra or unknown parameter or template is refused, not sent half-filled', () => {
    expect(() => renderSms(TEMPLATES, { template: 'code', params: {} })).toThrow(/missing \[code\]/)
    expect(() => renderSms(TEMPLATES, { template: 'code', params: { code: '1', extra: 'x' } })).toThrow(/extra \[extra\]/)
    expect(() => renderSms(TEMPLATES, { template: 'nope', params: {} } as unknown as SmsContent)).toThrow(/unknown SMS template/)
  })
  test('the case and lifecycle messages are template entries with PRODUCT.md texts', () => {
    const render = (sms: SmsContent) => renderSms(TEMPLATES, sms)
    expect(render({ template: 'caseAccepted', params: { ticket: 'YZT-20260721-ABC234', apps: '淘宝、抖音平台' } }))
      .toBe('【一证通查】您的异议申请已受理，工单号YZT-20260721-ABC234，涉及淘宝、抖音平台，企业将在5个工作日内处理，结果将短信通知您。')
    expect(render({ template: 'caseResolved', params: { ticket: 'T', app: '淘宝', outcome: '解绑账号1个' } })).toBe('【一证通查】工单T：淘宝已处理，解绑账号1个。')
    expect(render({ template: 'caseRejected', params: { ticket: 'T', app: '淘宝', reason: 'r', hotline: '95188' } })).toBe('【一证通查】工单T：淘宝未能处理您的申请（r）。如有疑问请致电95188。')
    const result = resultSms({ catalogue, phone: '13800005551', results: EXAMPLE_COUNTS, processedAt: Date.parse('2026-07-21T10:00:00+08:00') })
    // the seed text stays word for word, one sentence follows
    expect(render({ template: 'resultReissued', params: { ...result.params, olderAccounts: '2' } }))
      .toBe(`【一证通查】${PRODUCT_EXAMPLE}其中2个账号注册于您启用该号码之前，可能属于号码的前任使用者，可在小程序“异议账号处理”中申请解绑。`)
  })
  test('the sign name a provider takes is the signature without brackets', () => {
    expect(signName()).toBe('一证通查')
    expect(signName('【测试】')).toBe('测试')
  })
})

describe('what the operator registers (infra/README.md)', () => {
  const readme = readFileSync(join(__dirname, '../../../infra/README.md'), 'utf8')
  test.each(Object.entries(TEMPLATES))('%s: both providers\' texts are in the README word for word', (_id, t) => {
    const { aliyun, tencent } = registrationTexts(t)
    expect(readme).toContain(`Aliyun:  ${aliyun}\n`)
    expect(readme).toContain(`Tencent: ${tencent}\n`)
  })
  test('the cost note: the code SMS is one segment, the seed\'s result SMS two, the longest three', () => {
    const seed = `【一证通查】${PRODUCT_EXAMPLE}`
    expect(codeSmsText('042817')).toHaveLength(31)
    expect(segments(31)).toBe(1)
    expect(seed).toHaveLength(128)
    expect(segments(seed.length)).toBe(2)
    const results = Object.fromEntries(catalogue.apps.map(a => [a.id, 'unavailable' as const]))
    const longest = resultSmsText({ catalogue, phone: '13800005551', results, processedAt: Date.parse('2026-12-31T10:00:00+08:00') })
    expect(longest).toHaveLength(162)
    expect(segments(longest.length)).toBe(3)
    expect(readme).toContain('is 128 characters:\n**two** segments')
    expect(readme).toContain('is 162 characters, three segments')
  })
})

describe('national scale: the summary form once the full text passes 3 segments', () => {
  const big = bigCatalogue(200)
  const bigTemplates = smsTemplates(big)
  const at = Date.parse('2026-07-21T10:00:00+08:00')
  const counts = (n: (i: number) => number | 'unavailable') => Object.fromEntries(big.apps.map((a, i) => [a.id, n(i)]))
  const code = () => 'ABCD2345'

  test('the seed catalogue keeps the full form, word for word', () => {
    const { sms, resultCode } = chooseResultSms(TEMPLATES, { catalogue, phone: '13800005551', results: EXAMPLE_COUNTS, processedAt: at }, code)
    expect(resultCode).toBeUndefined()
    expect(renderSms(TEMPLATES, sms)).toBe(`【一证通查】${PRODUCT_EXAMPLE}`)
  })

  test('a 200-app query: the full form would be 24+ segments, the summary is PRODUCT.md\'s text in at most 3', () => {
    const results = counts(i => i % 7 === 0 ? 1 : 0)
    const full = renderSms(bigTemplates, resultSms({ catalogue: big, phone: '13800005551', results, processedAt: at }))
    expect(full.length).toBeGreaterThan(FULL_FORM_MAX_CHARS)
    expect(segments(full.length)).toBeGreaterThanOrEqual(24)
    const { sms, resultCode } = chooseResultSms(bigTemplates, { catalogue: big, phone: '13800005551', results, processedAt: at }, code)
    expect(resultCode).toBe('ABCD2345')
    const text = renderSms(bigTemplates, sms)
    expect(text).toBe('【一证通查】截至7月21日，您名下尾号为5551的电话卡在已接入的200个互联网应用中，29个应用注册了账号，共29个。明细请在“一证通查”小程序输入结果码ABCD2345查看，24小时内有效，请勿告诉他人。')
    expect(segments(text.length)).toBeLessThanOrEqual(3)
  })

  test('with apps that could not be asked: the unavailable clause; missing apps count as unavailable', () => {
    const results = counts(i => i < 11 ? 2 : 'unavailable')
    delete results[big.apps[199]!.id]
    const { sms } = chooseResultSms(bigTemplates, { catalogue: big, phone: '13800005551', results, processedAt: at }, code)
    expect(renderSms(bigTemplates, sms)).toBe('【一证通查】截至7月21日，您名下尾号为5551的电话卡在已接入的200个互联网应用中，11个应用注册了账号，共22个；189个应用暂无法查询。明细请在“一证通查”小程序输入结果码ABCD2345查看，24小时内有效，请勿告诉他人。')
  })

  test('a re-issued number keeps its sentence in the summary form, before the result code', () => {
    const results = counts(() => 1)
    const older = olderAccounts(results, { [big.apps[0]!.id]: 0, [big.apps[1]!.id]: 0 })
    expect(older).toBe(2)
    const { sms } = chooseResultSms(bigTemplates, { catalogue: big, phone: '13800005551', results, processedAt: at, olderAccounts: older }, code)
    expect(sms.template).toBe('resultSummaryReissued')
    expect(renderSms(bigTemplates, sms)).toBe('【一证通查】截至7月21日，您名下尾号为5551的电话卡在已接入的200个互联网应用中，200个应用注册了账号，共200个。其中2个账号注册于您启用该号码之前，可能属于号码的前任使用者，可在小程序“异议账号处理”中申请解绑。明细请在“一证通查”小程序输入结果码ABCD2345查看，24小时内有效，请勿告诉他人。')
  })

  test('the switch is at 201 characters, signature included (a longer signature switches earlier)', () => {
    // the seed catalogue with every app unavailable: 162 characters, full form
    const none = Object.fromEntries(catalogue.apps.map(a => [a.id, 'unavailable' as const]))
    expect(chooseResultSms(TEMPLATES, { catalogue, phone: '13800005551', results: none, processedAt: at }, code).resultCode).toBeUndefined()
    expect(chooseResultSms(TEMPLATES, { catalogue, phone: '13800005551', results: none, processedAt: at }, code, `【${'长'.repeat(50)}】`).resultCode).toBe('ABCD2345')
  })

  test('result codes: 8 characters of the ticket alphabet, from a CSPRNG', () => {
    expect(RESULT_CODE_ALPHABET).toBe(TICKET_ALPHABET)
    const codes = new Set(Array.from({ length: 200 }, () => newResultCode()))
    expect(codes.size).toBe(200)
    for (const c of codes) expect(c).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/)
  })

  test('every summary variable within the providers\' limits (Aliyun ≤ 35 characters, Tencent ≤ 12), at their longest', () => {
    const longest: Record<string, string> = {
      date: '12月31日', tail: '9999', total: '9999', withAccounts: '9999', accounts: '999999', unavailable: '9999', olderAccounts: '99999', resultCode: 'ABCD2345'
    }
    for (const id of ['resultSummary', 'resultSummaryUnavailable', 'resultSummaryReissued', 'resultSummaryReissuedUnavailable'] as const) {
      const t = TEMPLATES[id]
      for (const p of t.params) {
        expect(longest[p]).toBeDefined()
        expect(longest[p]!.length).toBeLessThanOrEqual(12)
      }
      // the whole SMS at its longest stays within 3 segments and a provider's 500-character template
      const text = renderSms(TEMPLATES, { template: id, params: Object.fromEntries(t.params.map(p => [p, longest[p]!])) })
      expect(segments(text.length)).toBeLessThanOrEqual(3)
      expect(t.text.length).toBeLessThanOrEqual(500)
    }
  })
})

test('infra/README.md#sms holds exactly the generated list (npm run sms-templates -- --write)', () => {
  const readme = readFileSync(join(__dirname, '../../../infra/README.md'), 'utf8')
  expect(withList(readme, registrationList())).toBe(readme)
})
