// The pure rules of a resolution case: tickets, tokens, notes, deadlines, transitions, SMS batching.
import fc from 'fast-check'
import { ITEM_STATUSES, TICKET_PATTERN, type ItemStatus } from '../../src/contract/cases'
import {
  ANSWER_FROM, applyAnswer, caseUpdateSms, checkNote, deadlinesFrom, dueAt, hashToken, keepsNumber, makeTicket, markOverdue, smsReason, tokenMatches
} from '../../src/domain/case-rules'
import { DisputeCallback } from '../../src/contract/disputes'
import type { CaseItemState } from '#ports'

const T0 = Date.parse('2026-07-21T02:00:00Z') // a Tuesday, 10:00 in China
const item = (over: Partial<CaseItemState> = {}): CaseItemState => ({
  itemId: 'c.jd', appId: 'jd', enterpriseId: 'jd', kind: 'NOT_MINE', status: 'FORWARDED', submittedAt: T0,
  ...deadlinesFrom(T0, new Set()), hotline: '950618', ...over
})

test('tickets: YZT, the China date, six characters without look-alikes', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4e12 }), t => {
    const ticket = makeTicket(t)
    expect(ticket).toMatch(TICKET_PATTERN)
    expect(ticket.slice(13)).not.toMatch(/[IO01]/)
  }))
  expect(makeTicket(Date.parse('2026-07-20T16:30:00Z'), () => 0)).toBe('YZT-20260721-AAAAAA')
})

test('the token is checked against its hash, in constant time, and nothing else matches', () => {
  expect(tokenMatches('abc', hashToken('abc'))).toBe(true)
  expect(tokenMatches('abd', hashToken('abc'))).toBe(false)
  expect(tokenMatches('', hashToken('abc'))).toBe(false)
})

test('notes: links refused even in full width; digit runs of 7+ masked, full width included; control characters become spaces', () => {
  expect(checkNote('见 https://x.cn')).toEqual({ ok: false, reason: '备注不能包含链接' })
  expect(checkNote('ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ')).toEqual({ ok: false, reason: '备注不能包含链接' })
  expect(checkNote('淘宝.com 买的')).toEqual({ ok: false, reason: '备注不能包含链接' })
  expect(checkNote('旧号 13912345678，卡号１２３４５６７８')).toEqual({ ok: true, note: '旧号 ***********，卡号********' })
  expect(checkNote('订单 123456 已退')).toEqual({ ok: true, note: '订单 123456 已退' })
  expect(checkNote('a\nb\u0000c')).toEqual({ ok: true, note: 'a b c' })
  expect(checkNote('   ')).toEqual({ ok: true })
})

test('deadlines: 24 h to acknowledge; 5 working days to resolve, weekends and configured holidays skipped', () => {
  expect(deadlinesFrom(T0, new Set())).toEqual({ acknowledgeBy: T0 + 24 * 3600_000, resolveBy: Date.parse('2026-07-28T16:00:00Z') })
  // a Friday: the following Friday; with Monday a holiday, the Monday after
  const friday = Date.parse('2026-07-24T02:00:00Z')
  expect(deadlinesFrom(friday, new Set()).resolveBy).toBe(Date.parse('2026-07-31T16:00:00Z'))
  expect(deadlinesFrom(friday, new Set(['2026-07-27'])).resolveBy).toBe(Date.parse('2026-08-03T16:00:00Z'))
})

test('answers only go forward: no status may be reached again, and a final one never changes', () => {
  for (const [answer, from] of Object.entries(ANSWER_FROM)) {
    expect(from).not.toContain(answer as ItemStatus)
    expect(from).not.toContain('RESOLVED')
    expect(from).not.toContain('REJECTED')
  }
  expect(ITEM_STATUSES.filter(s => !Object.values(ANSWER_FROM).some(f => f.includes(s)))).toEqual(['RESOLVED', 'REJECTED'])
})

test('each answer sets what the person sees and the SMS it sends; a reason is made safe for an SMS', () => {
  const i = item()
  expect(applyAnswer(i, { status: 'ACKNOWLEDGED' }, 'T', '京东平台账号', T0 + 1)).toBeUndefined()
  expect(i).toEqual(expect.objectContaining({ status: 'ACKNOWLEDGED', acknowledgedAt: T0 + 1 }))
  expect(applyAnswer(i, { status: 'RESOLVED', accountsAffected: 2, action: 'CANCELLED' }, 'T', '京东平台账号', T0 + 2))
    .toEqual({ appId: 'jd', sms: { template: 'caseResolved', params: { ticket: 'T', app: '京东平台', outcome: '注销账号2个' } } })
  expect(applyAnswer(item(), { status: 'RESOLVED', accountsAffected: 0, action: 'NONE_FOUND' }, 'T', '京东平台账号', T0)!.sms.params.outcome).toBe('未发现该号码注册的账号')
  expect(applyAnswer(item(), { status: 'REJECTED', reasonCode: 'X', message: '见 https://a.cn 或致电13912345678（客服）' }, 'T', '京东平台账号', T0)!.sms.params)
    .toEqual({ ticket: 'T', app: '京东平台', reason: '见  或致电***客服', hotline: '950618' })
  expect(smsReason('   ')).toBe('未说明原因')
})

test('overdue: only when the watched deadline has passed, and only for items still waiting on the enterprise', () => {
  expect(markOverdue(item(), 'T', '京东平台账号', T0 + 24 * 3600_000 - 1)).toBeUndefined()
  const late = item()
  expect(markOverdue(late, 'T', '京东平台账号', T0 + 24 * 3600_000)).toEqual({ appId: 'jd', sms: { template: 'caseOverdue', params: { ticket: 'T', app: '京东平台', hotline: '950618' } } })
  expect(late.status).toBe('OVERDUE')
  expect(markOverdue(item({ status: 'NEEDS_USER_ACTION' }), 'T', 'x', T0 + 99 * 24 * 3600_000)).toBeUndefined()
  expect(markOverdue(item({ status: 'ACKNOWLEDGED' }), 'T', 'x', T0 + 2 * 24 * 3600_000)).toBeUndefined()
})

test('one update is its own template; several are one caseUpdates SMS in the case\'s order', () => {
  const items = [item({ appId: 'taobao' }), item({ appId: 'jd' })]
  const render = (s: { template: string, params: Record<string, string> }) => `工单T：${s.params.app}${s.template}。`
  const one = { appId: 'jd', sms: { template: 'caseResolved' as const, params: { ticket: 'T', app: 'jd', outcome: 'x' } } }
  const two = { appId: 'taobao', sms: { template: 'caseOverdue' as const, params: { ticket: 'T', app: 'taobao', hotline: '1' } } }
  expect(caseUpdateSms({ ticket: 'T', items, pending: [] }, render)).toBeUndefined()
  expect(caseUpdateSms({ ticket: 'T', items, pending: [one] }, render)).toBe(one.sms)
  expect(caseUpdateSms({ ticket: 'T', items, pending: [one, two] }, render))
    .toEqual({ template: 'caseUpdates', params: { ticket: 'T', updates: 'taobaocaseOverdue；jdcaseResolved' } })
})

test('the sealed number stays while an SMS may follow, never past 30 days; the due time is the earliest thing to do', () => {
  const state = { items: [item({ status: 'RESOLVED', forwardedAt: T0 })], pending: [], createdAt: T0, lastSmsAt: T0 }
  expect(keepsNumber(state, T0)).toBe(false)
  expect(keepsNumber({ ...state, items: [item({ status: 'OVERDUE' })] }, T0)).toBe(true)
  expect(keepsNumber({ ...state, items: [item({ status: 'OVERDUE' })] }, T0 + 31 * 24 * 3600_000)).toBe(false)
  expect(dueAt({ ...state, phoneSealed: undefined })).toBeUndefined()
  expect(dueAt({ ...state, items: [item({ status: 'SUBMITTED' })] })).toBe(T0 + 3600_000)
  expect(dueAt({ ...state, items: [item({ status: 'ACKNOWLEDGED', forwardedAt: T0 })], phoneSealed: 's' })).toBe(item().resolveBy)
  // answered before its 202 was recorded: the dispute (the clear number) may still wait in the outbox, so the hour is watched
  expect(dueAt({ ...state, phoneSealed: undefined, items: [item({ status: 'RESOLVED' })] })).toBe(T0 + 3600_000)
  expect(dueAt({ ...state, phoneSealed: undefined, items: [item({ status: 'RESOLVED', deliveryFailedAt: T0 + 3600_001 })] })).toBeUndefined()
})

test('notes: a number typed with separators (139-1234-5678, 139 1234 5678, +86 139.1234.5678) is masked too; short figures stay', () => {
  expect(checkNote('旧号 139-1234-5678 不用了')).toEqual({ ok: true, note: '旧号 ***-****-**** 不用了' })
  expect(checkNote('旧号 139 1234 5678')).toEqual({ ok: true, note: '旧号 *** **** ****' })
  expect(checkNote('+86 139.1234.5678')).toEqual({ ok: true, note: '+** ***.****.****' })
  expect(checkNote('身份证 110101 19900101 1234')).toEqual({ ok: true, note: '身份证 ****** ******** ****' })
  expect(checkNote('卡号 ６２２２－０２１２－３４５６')).toEqual({ ok: true, note: '卡号 ****－****－****' })
  expect(checkNote('رقم ١٣٩١٢٣٤٥٦٧٨')).toEqual({ ok: true, note: 'رقم ***********' })
  // invisible characters between the digits do not hide a number, nor survive into the note
  expect(checkNote('旧号1391\u200B234\u2060567\u202E8')).toEqual({ ok: true, note: '旧号***********' })
  // separators doubled break a run: two short figures, not one number
  expect(checkNote('订单 123  456 共 2 件')).toEqual({ ok: true, note: '订单 123  456 共 2 件' })
  fc.assert(fc.property(fc.array(fc.constantFrom(' ', '-', '.', '－', '　'), { minLength: 10, maxLength: 10 }), seps => {
    const typed = '13912345678'.split('').map((d, i) => d + (seps[i] ?? '')).join('')
    expect(JSON.stringify(checkNote(`号码${typed}`))).not.toMatch(/\d/)
  }))
})

test('an enterprise\'s reason cannot forge text in the SMS: no line breaks, no brackets (a fake 【signature】), no invisible or direction characters, no links in any width, no separated numbers', () => {
  const safe = (s: string) => {
    const r = smsReason(s)
    expect(r).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u)
    expect(r).not.toMatch(/[【】〖〗[\]［］〔〕（）()<>《》「」『』]/)
    expect(r.normalize('NFKC')).not.toMatch(/https?:|www\.|\.(com|cn|net)\b|\d{7}/i)
    expect(r.length).toBeLessThanOrEqual(30)
    return r
  }
  expect(safe('不符合条件\n【中国银行】您的账户已冻结')).toBe('不符合条件 中国银行您的账户已冻结')
  expect(safe('原因\u202Emoc.live\u202C')).not.toContain('\u202E')
  expect(safe('请访问 ｗｗｗ．ｅｖｉｌ．ｃｏｍ 处理')).toBe('请访问  处理')
  expect(safe('请访问 ｈｔｔｐｓ：／／ｅｖｉｌ．ｃｎ／ａ 处理')).toBe('请访问  处理')
  expect(safe('见 evil.cn/x 或 淘宝.com')).toBe('见  或')
  expect(safe('致电 139-1234-5678')).toBe('致电 ***')
  expect(safe('\u200B\u2028\u2029［退款］')).toBe('退款')
  // judged folded, sent as written: Chinese punctuation stays
  expect(safe('该账号已核验，如有疑问：请联系客服！')).toBe('该账号已核验，如有疑问：请联系客服！')
  fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), s => { safe(s) }), { numRuns: 500 })
})

test('an enterprise\'s instructions, link and message reach the case page as given, so nothing in them may disguise itself: the link is plain https in ASCII, none holds invisible or direction characters', () => {
  const needs = (instructions: string, link: string) => DisputeCallback.safeParse({ status: 'NEEDS_USER_ACTION', instructions, link }).success
  const rejected = (message: string) => DisputeCallback.safeParse({ status: 'REJECTED', reasonCode: 'NOT_HOLDER', message }).success
  expect(needs('请在京东App内完成人脸核验\n然后回到小程序查看', 'https://passport.jd.com/verify?item=abc&x=1#top')).toBe(true)
  expect(rejected('账号已实名为他人，如有疑问请致电客服')).toBe(true)
  for (const link of [
    'javascript:alert(1)', 'http://jd.com', 'https://evil.cn/\u202Emoc.dj', 'https://jd.com\u200B.evil.cn', 'https://ｊｄ.com',
    'https://京东.com', 'https://jd.com/a\nb', 'https://jd.com/\u2028', 'https://jd.com/\u00A0x', 'https://'
  ]) expect({ link, ok: needs('请核验', link) }).toEqual({ link, ok: false })
  for (const text of ['请核验\u202E', '请\u200B核验', '请\u0000核验', '请\u2066核验\u2069', '\u061C核验']) {
    expect({ text, ok: needs(text, 'https://jd.com') }).toEqual({ text, ok: false })
    expect({ text, ok: rejected(text) }).toEqual({ text, ok: false })
  }
  expect(rejected('第一行\n第二行')).toBe(false) // a message is one line
})
