// The rules a person is told about are defined once in the contract (rules.ts, messages.ts): the API
// enforces those figures and the mini-program says them, so the two cannot disagree.
import { LIMIT_NOTES, noteHasLink, PUBLIC_LIMITS, REFUSALS, formatWait, roughWait } from '#contract/index'
import { checkNote } from '../../src/domain/case-rules'
import { LIMITS } from '../../src/domain/limits'
import { POLICY } from '../../src/domain/policy'

test('the enforced limits are the contract\'s figures, and the notes say them', () => {
  expect(LIMITS.queryDaily).toMatchObject(PUBLIC_LIMITS.queryDaily)
  expect(LIMITS.caseDaily).toMatchObject(PUBLIC_LIMITS.caseDaily)
  expect(POLICY.cases.recentVerificationMinutes).toBe(PUBLIC_LIMITS.recentVerificationMinutes)
  expect(LIMIT_NOTES.queriesPerDay).toBe('每个号码24小时内最多查询3次。')
  expect(LIMIT_NOTES.casesPerDay).toBe('每个号码24小时内最多提交3次异议申请。')
  expect(REFUSALS.recentProofGone).toContain('10分钟')
})

test('the note rule the API applies is the one the form applies', () => {
  for (const note of ['见 https://x.cn/a', 'www.example.com', '详见 taobao.com', '淘宝．ｃｏｍ', '从未注册过', 'a.b 不是链接']) {
    expect(checkNote(note).ok).toBe(!noteHasLink(note))
  }
  expect(checkNote('详见 taobao.com')).toEqual({ ok: false, reason: REFUSALS.noteLink })
})

test('waits: exact (formatWait) in the code\'s sentences, rounded up to their unit (roughWait) in passing', () => {
  expect([formatWait(45), formatWait(90), formatWait(3600)]).toEqual(['45秒', '1分30秒', '60分钟'])
  expect([roughWait(45), roughWait(90), roughWait(3601)]).toEqual(['45秒', '2分钟', '2小时'])
  expect(REFUSALS.rateLimitedHours(7000)).toBe('操作过于频繁，请约2小时后再试。')
})
