// Resolution cases end to end on DynamoDB Local over real HTTP: the mocked enterprises receive the
// disputes and call back; every rule and transition of resolution cases (SECURITY.md §11, README's POST /v1/cases), and the refusals.
import type { DynamoDBStreamEvent } from 'aws-lambda'
import { CASE_PATHS, TICKET_PATTERN } from '../../src/contract/cases'
import { makeHandler as forwardHandler } from '../../src/handlers/forward-dispute'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { sweepCases } from '../../src/domain/cases'
import { enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import type { Faults } from '../../src/mock-enterprises/service'
import { call, requestCodeAndRead, startTestSystem, waitFor, type Reply, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const BOB = { phone: '13900007777', idSuffix: '654321' }
const HOUR = 3600_000
const master = DEV_SECRETS.enterpriseKey
// the machine may be busy: stream pollers and callbacks get time, the assertions stay exact
const PATIENT = 30_000

let sys: TestSystem
afterEach(async () => { await sys?.stop() })

type Item = { appId: string, kind: 'NOT_MINE' | 'NO_LONGER_USED', note?: string }

async function openCase (items: Item[], who = ALICE, headers: Record<string, string> = {}): Promise<Reply> {
  const code = await requestCodeAndRead(sys, who.phone)
  sys.clock.advance(61_000) // the next code may be asked for
  return call(sys.url, 'POST', CASE_PATHS.cases, { ...who, code, consent: true, items }, headers)
}

const getCase = (caseId: string, token?: string) =>
  call(sys.url, 'GET', CASE_PATHS.case(caseId), undefined, token === undefined ? {} : { authorization: `Bearer ${token}` })

const caseSms = (phone = ALICE.phone) => sys.sms.all().filter(m => m.to === phone && m.text.includes('工单') && !m.text.includes('验证码')).map(m => m.text)

/** a callback signed as `enterpriseId` signs it, with its own key */
function answer (enterpriseId: string, itemId: string, body: unknown, o: { key?: string, at?: number } = {}) {
  const path = CASE_PATHS.disputeCallback(itemId)
  const text = JSON.stringify(body)
  sys.clock.advance(1)
  const headers = signedRequestHeaders(enterpriseId, o.key ?? enterpriseKey(master, enterpriseId), 'POST', path, text, o.at ?? sys.clock.now())
  return { send: () => call(sys.url, 'POST', path, text, headers), headers, text, path }
}

const statuses = async (caseId: string, token: string) =>
  Object.fromEntries(((await getCase(caseId, token)).body.items as { appId: string, status: string }[]).map(i => [i.appId, i.status]))
const quiet = (...ids: string[]) => { for (const id of ids) sys.mock.setFaults(id, { disputeOutcome: 'never' }) }
const knobs = (id: string, faults: Faults) => sys.mock.setFaults(id, faults)

test('a case: ticket and token, one dispute per app at its enterprise, answers tracked, SMS word for word and batched by the hour', async () => {
  sys = await startTestSystem()
  knobs('douyin', { disputeOutcome: 'needs-action' })
  knobs('alibaba', { disputeOutcome: 'resolve' })
  // picked out of order: the case and its SMS follow the SMS (catalogue) order
  const res = await openCase([
    { appId: 'douyin', kind: 'NO_LONGER_USED', note: '旧号码 13912345678 已不用，身份证 110101199001011234' },
    { appId: 'taobao', kind: 'NOT_MINE' }
  ])
  expect(res.status).toBe(202)
  const { caseId, ticket, accessToken } = res.body
  expect(res.body).toEqual({
    caseId: expect.any(String),
    ticket: expect.stringMatching(TICKET_PATTERN),
    accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    maskedPhone: '138****5551',
    items: [
      { itemId: `${caseId}.taobao`, appId: 'taobao', enterpriseId: 'alibaba', status: 'SUBMITTED' },
      { itemId: `${caseId}.douyin`, appId: 'douyin', enterpriseId: 'douyin', status: 'SUBMITTED' }
    ]
  })
  expect(ticket.slice(4, 12)).toBe('20260721')

  // each enterprise holds its dispute: the number in clear, the note masked, deadlines, the callback URL
  await waitFor(() => sys.mock.disputeRequests.size === 2 || undefined, 'disputes held', PATIENT)
  expect(sys.mock.disputes).toEqual({ alibaba: { [`${caseId}.taobao`]: 1 }, douyin: { [`${caseId}.douyin`]: 1 } })
  expect(sys.mock.disputeRequests.get(`${caseId}.douyin`)).toEqual({
    itemId: `${caseId}.douyin`, phone: '13800005551', appId: 'douyin', kind: 'NO_LONGER_USED',
    note: '旧号码 *********** 已不用，身份证 ******************',
    callbackUrl: `${sys.url}/v1/enterprise-callbacks/disputes/${caseId}.douyin`,
    // 24 h; and 5 working days (Wed–Tue) ending at China midnight
    deadlines: { acknowledgeBy: '2026-07-22T02:01:01.000Z', resolveBy: '2026-07-28T16:00:00.000Z' }
  })

  await waitFor(async () => {
    const s = await statuses(caseId, accessToken)
    return s.taobao === 'RESOLVED' && s.douyin === 'NEEDS_USER_ACTION' ? s : undefined
  }, 'answers recorded', PATIENT)
  const view = (await getCase(caseId, accessToken)).body
  expect(view).toEqual({
    caseId, ticket, maskedPhone: '138****5551', createdAt: '2026-07-21T02:01:01.000Z', updatedAt: expect.any(String),
    items: [
      expect.objectContaining({ appId: 'taobao', kind: 'NOT_MINE', status: 'RESOLVED', action: 'UNBOUND', acknowledgedAt: expect.any(String), answeredAt: expect.any(String) }),
      expect.objectContaining({ appId: 'douyin', status: 'NEEDS_USER_ACTION', instructions: expect.stringContaining('人脸核验'), link: 'https://example.com/douyin/verify' })
    ]
  })
  expect(JSON.stringify(view)).not.toMatch(/13800005551|accountsAffected|"accounts/)
  expect(sys.mock.disputeAnswers.map(a => a.httpStatus)).toEqual([200, 200, 200, 200])

  // the accepted SMS went at once and starts no hour: the first answer went at once too (no sweep, no
  // time passed); the second came within the hour of that update, so it waits for the hour's end
  const accepted = `【一证通查】您的异议申请已受理，工单号${ticket}，涉及淘宝、抖音平台，企业将在5个工作日内处理，结果将短信通知您。`
  const resolved = `【一证通查】工单${ticket}：淘宝已处理，解绑账号1个。`
  const needsAction = `【一证通查】工单${ticket}：抖音平台需要您在其App内完成身份核验后继续处理，请在小程序“我的工单”中查看指引。`
  await waitFor(() => caseSms().length === 2 || undefined, 'accepted and first update SMS', PATIENT)
  expect(caseSms()[0]).toBe(accepted)
  expect([resolved, needsAction]).toContain(caseSms()[1])
  sys.clock.advance(HOUR - 1)
  expect((await sweepCases(sys.runtime)).smsQueued).toBe(0)
  sys.clock.advance(1)
  expect(await sweepCases(sys.runtime)).toEqual({ cases: 1, overdue: 0, smsQueued: 1, dropped: 0, forwarded: 0, deferred: 0, enterprises: {} })
  await waitFor(() => caseSms().length === 3 || undefined, 'held update SMS', PATIENT)
  expect(new Set(caseSms().slice(1))).toEqual(new Set([resolved, needsAction]))

  // at rest: no clear number, no clear note digits, the token only as a hash, the dispute outbox empty
  const tables = await sys.dump()
  const text = JSON.stringify(tables)
  expect(text).not.toContain('13800005551')
  expect(text).not.toContain('13912345678')
  expect(text).not.toContain(accessToken)
  expect(tables.DisputeOutbox).toEqual([])
})

test('one update goes at once as its own template, word for word; the number is dropped once every item is final', async () => {
  sys = await startTestSystem()
  knobs('jd', { disputeOutcome: 'reject' })
  const { body } = await openCase([{ appId: 'jd', kind: 'NOT_MINE' }])
  await waitFor(async () => (await statuses(body.caseId, body.accessToken)).jd === 'REJECTED' || undefined, 'rejected', PATIENT)
  await waitFor(() => caseSms().length === 2 || undefined, 'rejected SMS', PATIENT)
  expect(caseSms()[1]).toBe(`【一证通查】工单${body.ticket}：京东平台未能处理您的申请（该账号已通过本人实名核验，如有疑问请联系客服）。如有疑问请致电950618。`)
  const row = (await sys.dump()).Cases!.find(r => r.pk === body.caseId)!
  expect(row.phoneSealed).toBeUndefined()
  expect(row.dueAt).toBeUndefined()
  const view = (await getCase(body.caseId, body.accessToken)).body
  expect(view.items[0]).toEqual(expect.objectContaining({ status: 'REJECTED', message: '该账号已通过本人实名核验，如有疑问请联系客服', hotline: '950618' }))
})

test('update timing: at once after the acceptance; within the hour of an update SMS held, then every update since in one SMS joined by "；"', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd', 'douyin')
  const { body } = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }, { appId: 'jd', kind: 'NOT_MINE' }, { appId: 'douyin', kind: 'NO_LONGER_USED' }])
  const { caseId, ticket } = body
  await waitFor(async () => Object.values(await statuses(caseId, body.accessToken)).every(s => s === 'FORWARDED') || undefined, 'forwarded', PATIENT)
  // 10 minutes after the acceptance: the answer is told at once
  sys.clock.advance(10 * 60_000)
  expect((await answer('alibaba', `${caseId}.taobao`, { status: 'RESOLVED', accountsAffected: 2, action: 'CANCELLED' }).send()).status).toBe(200)
  await waitFor(() => caseSms().length === 2 || undefined, 'first update', PATIENT)
  expect(caseSms()[1]).toBe(`【一证通查】工单${ticket}：淘宝已处理，注销账号2个。`)
  // two more answers within that hour: held, then one SMS at the hour's end, in the case's order
  sys.clock.advance(20 * 60_000)
  expect((await answer('douyin', `${caseId}.douyin`, { status: 'RESOLVED', accountsAffected: 0, action: 'NONE_FOUND' }).send()).status).toBe(200)
  sys.clock.advance(20 * 60_000)
  expect((await answer('jd', `${caseId}.jd`, { status: 'REJECTED', reasonCode: 'VERIFIED_OWNER', message: '账号已实名' }).send()).status).toBe(200)
  expect((await sweepCases(sys.runtime)).smsQueued).toBe(0)
  sys.clock.advance(20 * 60_000)
  expect((await sweepCases(sys.runtime)).smsQueued).toBe(1)
  await waitFor(() => caseSms().length === 3 || undefined, 'held updates', PATIENT)
  expect(caseSms()[2]).toBe(`【一证通查】工单${ticket}：抖音平台已处理，未发现该号码注册的账号；京东平台未能处理您的申请（账号已实名）。如有疑问请致电950618。`)
})

test('GET needs the bearer token: none, a wrong one and an unknown case all answer the same 404', async () => {
  sys = await startTestSystem()
  quiet('alibaba')
  const { body } = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }])
  const none = await getCase(body.caseId)
  const wrong = await getCase(body.caseId, 'x'.repeat(43))
  const unknown = await getCase('3f8a2b1c-0000-4000-8000-000000000000', body.accessToken)
  for (const r of [none, wrong, unknown]) expect(r.status).toBe(404)
  expect(wrong.text).toBe(none.text)
  expect(unknown.text).toBe(none.text)
  expect((await getCase(body.caseId, body.accessToken)).status).toBe(200)
})

test('a leaked queryId proves nothing to a stranger: a wrong number or a wrong suffix with it spends the query (no oracle for the number behind 138****5551, no second verdict against the number), and the holder falls back to a code', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd', 'tencent')
  const submit = async () => {
    const code = await requestCodeAndRead(sys, ALICE.phone)
    sys.clock.advance(61_000)
    const res = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })
    expect(res.status).toBe(202)
    return res.body.queryId as string
  }
  const withQuery = (queryId: string, who: { phone: string, idSuffix: string }) =>
    call(sys.url, 'POST', CASE_PATHS.cases, { ...who, queryId, consent: true, items: [{ appId: 'taobao', kind: 'NOT_MINE' }] })

  // guessing the hidden digits: one wrong guess, and the query is spent; the right number then answers as any used query
  const leaked = await submit()
  const guess = await withQuery(leaked, { ...ALICE, phone: '13800005552' })
  expect(guess.body.error.code).toBe('CODE_INVALID')
  const right = await withQuery(leaked, { ...ALICE, idSuffix: '000000' })
  expect({ status: right.status, code: right.body.error.code }).toEqual({ status: 401, code: 'CODE_INVALID' })
  expect((await withQuery(leaked, ALICE)).body.error.code).toBe('CODE_INVALID')

  // the right number, wrong suffixes: one verdict, then the query is spent
  const second = await submit()
  sys.clock.advance(60_000)
  expect((await withQuery(second, { ...ALICE, idSuffix: '111111' })).status).toBe(403)
  expect((await withQuery(second, { ...ALICE, idSuffix: '222222' })).body.error.code).toBe('CODE_INVALID')
  expect((await withQuery(second, ALICE)).body.error.code).toBe('CODE_INVALID')
  expect((await sys.dump()).Cases).toEqual([])

  // the holder is not locked out: a code still opens the case
  sys.clock.advance(31 * 60_000)
  expect((await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }])).status).toBe(202)
})

test('at most 3 cases per number in 24 h; one open item per (number, app) until it is answered for good', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'douyin', 'jd', 'baidu', 'meituan')
  const first = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }])
  expect(first.status).toBe(202)

  const again = await openCase([{ appId: 'jd', kind: 'NOT_MINE' }, { appId: 'taobao', kind: 'NOT_MINE' }])
  expect(again.status).toBe(409)
  expect(again.body.error).toEqual({ code: 'CONFLICT', message: '淘宝已有处理中的异议申请，请在“我的工单”中查看。', fields: { taobao: '已有处理中的异议申请' } })

  // the enterprise closes it: the app is free again
  await waitFor(() => sys.mock.disputeRequests.size === 1 || undefined, 'held', PATIENT)
  expect((await answer('alibaba', `${first.body.caseId}.taobao`, { status: 'REJECTED', reasonCode: 'ACCOUNT_IN_USE', message: '账号近期有本人登录' }).send()).status).toBe(200)
  expect((await openCase([{ appId: 'taobao', kind: 'NO_LONGER_USED' }])).status).toBe(202)
  expect((await openCase([{ appId: 'jd', kind: 'NOT_MINE' }])).status).toBe(202)
  const fourth = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }])
  expect(fourth.status).toBe(429)
  expect(fourth.body.error.message).toMatch(/^每个号码24小时内最多提交3次异议申请，请\d+小时后再试。$/)
  expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(23 * 3600)
  expect((await sys.dump()).Cases).toHaveLength(3)
  // a sliding day: 24 h after the first, one more
  sys.clock.advance(24 * HOUR)
  expect((await openCase([{ appId: 'meituan', kind: 'NOT_MINE' }])).status).toBe(202)
})

test('the verification is the query\'s: consent, a wrong suffix, a used code, a note with a link are refused, nothing written', async () => {
  sys = await startTestSystem()
  const before = await sys.dump()
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const items = [{ appId: 'taobao', kind: 'NOT_MINE' }]
  const noConsent = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, code, items })
  expect(noConsent.status).toBe(400)
  expect(noConsent.body.error.fields.consent).toBe('请阅读并单独同意将手机号码提供给所选企业')
  const link = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, code, consent: true, items: [{ appId: 'taobao', kind: 'NOT_MINE', note: '详见 ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ' }] })
  expect(link.body.error.fields).toEqual({ 'items.0.note': '备注不能包含链接' })
  const unknownApp = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, code, consent: true, items: [{ appId: 'weibo', kind: 'NOT_MINE' }, ...items, ...items] })
  expect(unknownApp.body.error.fields).toEqual({ 'items.0.appId': '不支持的应用', 'items.2.appId': '同一应用只能选择一次' })
  const neither = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, consent: true, items })
  expect(neither.body.error.fields).toEqual({ code: '请输入6位短信验证码' })
  const wrong = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, idSuffix: '000000', code, consent: true, items })
  expect(wrong.status).toBe(403)
  const after = await sys.dump()
  expect(after.Cases).toEqual([])
  expect(after.DisputeOutbox).toEqual([])
  expect(after.Queries).toEqual(before.Queries)

  const ok = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, code, consent: true, items })
  expect(ok.status).toBe(202)
  const reused = await call(sys.url, 'POST', CASE_PATHS.cases, { ...ALICE, code, consent: true, items: [{ appId: 'jd', kind: 'NOT_MINE' }] })
  expect(reused.status).toBe(401)
  expect(reused.body.error.code).toBe('CODE_INVALID')
})

test('a query accepted within 10 minutes proves the holder once; an older one, another number\'s, or a used one does not', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd', 'tencent')
  const submit = async (who: typeof ALICE) => {
    const code = await requestCodeAndRead(sys, who.phone)
    sys.clock.advance(61_000)
    const res = await call(sys.url, 'POST', '/v1/queries', { ...who, code, consent: true })
    expect(res.status).toBe(202)
    return res.body.queryId as string
  }
  const withQuery = (queryId: string, appId: string, who = ALICE) =>
    call(sys.url, 'POST', CASE_PATHS.cases, { ...who, queryId, consent: true, items: [{ appId, kind: 'NOT_MINE' }] })

  const queryId = await submit(ALICE)
  sys.clock.advance(9 * 60_000)
  expect((await withQuery(queryId, 'taobao')).status).toBe(202)
  expect((await withQuery(queryId, 'jd')).body.error.code).toBe('CODE_INVALID') // used
  const bobs = await submit(BOB)
  expect((await withQuery(bobs, 'jd')).body.error.code).toBe('CODE_INVALID') // another number
  expect((await withQuery(bobs, 'jd', BOB)).body.error.code).toBe('CODE_INVALID') // spent by that failed attempt (a query proves one attempt)
  const bobsNext = await submit(BOB)
  expect((await withQuery(bobsNext, 'jd', { ...BOB, idSuffix: '111111' })).status).toBe(403) // the suffix is still judged
  const late = await submit(ALICE)
  sys.clock.advance(10 * 60_000 + 1)
  expect((await withQuery(late, 'qq')).body.error.code).toBe('CODE_INVALID') // too old
  expect((await withQuery('1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'qq')).body.error.code).toBe('CODE_INVALID') // unknown
})

test('Idempotency-Key: a repeat gets the same case and the same token; the key with another request is refused', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd')
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const request = { ...ALICE, code, consent: true, items: [{ appId: 'taobao', kind: 'NOT_MINE' }] }
  const key = { 'idempotency-key': 'case-key-0123456789abcdef' }
  const first = await call(sys.url, 'POST', CASE_PATHS.cases, request, key)
  const repeat = await call(sys.url, 'POST', CASE_PATHS.cases, request, key)
  expect(first.status).toBe(202)
  expect(repeat.status).toBe(202)
  expect(repeat.body).toEqual(first.body)
  expect((await getCase(first.body.caseId, repeat.body.accessToken)).status).toBe(200)
  const other = await call(sys.url, 'POST', CASE_PATHS.cases, { ...request, items: [{ appId: 'jd', kind: 'NOT_MINE' }] }, key)
  expect(other.status).toBe(422)
  expect((await sys.dump()).Cases).toHaveLength(1)
  expect(JSON.stringify(await sys.dump())).not.toContain(first.body.accessToken)
})

test('Idempotency-Key: the token it derives is the case\'s own; another case opened later under the same key (a client with a fixed or weak key) gets another token, which opens nothing of the first', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd')
  const key = { 'idempotency-key': 'aaaaaaaaaaaaaaaa' }
  const alice = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }], ALICE, key)
  expect(alice.status).toBe(202)
  sys.clock.advance(2 * HOUR) // the key's record is gone: the key is free again
  const bob = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }], BOB, key)
  expect(bob.status).toBe(202)
  expect(bob.body.caseId).not.toBe(alice.body.caseId)
  expect(bob.body.accessToken).not.toBe(alice.body.accessToken)
  expect((await getCase(alice.body.caseId, bob.body.accessToken)).status).toBe(404)
  expect((await getCase(alice.body.caseId, alice.body.accessToken)).status).toBe(200)
  expect((await getCase(bob.body.caseId, bob.body.accessToken)).status).toBe(200)
})

test('callbacks: unsigned, another key, stale, replayed, for another enterprise\'s item, or backwards are refused and change nothing', async () => {
  sys = await startTestSystem()
  quiet('alibaba', 'jd')
  const { body } = await openCase([{ appId: 'taobao', kind: 'NOT_MINE' }, { appId: 'jd', kind: 'NOT_MINE' }])
  const taobao = `${body.caseId}.taobao`
  await waitFor(async () => (await statuses(body.caseId, body.accessToken)).taobao === 'FORWARDED' || undefined, 'forwarded', PATIENT)
  const row = async () => (await sys.dump()).Cases!.find(r => r.pk === body.caseId)
  const before = await row()
  const ack = { status: 'ACKNOWLEDGED' }

  const unsigned = await call(sys.url, 'POST', CASE_PATHS.disputeCallback(taobao), ack)
  const otherKey = await answer('alibaba', taobao, ack, { key: enterpriseKey(master, 'jd') }).send()
  const stale = await answer('alibaba', taobao, ack, { at: sys.clock.now() - 10 * 60_000 }).send()
  const foreign = await answer('jd', taobao, ack).send()
  for (const r of [unsigned, otherKey, stale]) expect(r.body.error.code).toBe('SIGNATURE_INVALID')
  expect(foreign.status).toBe(404)
  expect(foreign.text).toBe((await answer('jd', `${body.caseId}.nothing`, ack).send()).text)
  expect(await row()).toEqual(before)

  const once = answer('alibaba', taobao, ack)
  expect((await once.send()).body).toEqual({ itemId: taobao, status: 'ACKNOWLEDGED' })
  const replay = await once.send()
  expect(replay.status).toBe(401)
  expect((await answer('alibaba', taobao, ack).send()).status).toBe(409) // acknowledged twice
  expect((await answer('alibaba', taobao, { status: 'RESOLVED', accountsAffected: 1, action: 'UNBOUND' }).send()).status).toBe(200)
  const backwards = await answer('alibaba', taobao, { status: 'NEEDS_USER_ACTION', instructions: '请核验', link: 'https://example.com/x' }).send()
  expect(backwards.status).toBe(409)
  expect(backwards.body.error.code).toBe('CONFLICT')
  const bad = await answer('alibaba', taobao, { status: 'NEEDS_USER_ACTION', instructions: '请核验', link: 'http://example.com/x' }).send()
  expect(bad.status).toBe(400)
  expect(await statuses(body.caseId, body.accessToken)).toEqual({ taobao: 'RESOLVED', jd: 'FORWARDED' })
})

test('the mocked enterprises\' misbehaviour: answering twice and answering for another\'s item are refused by the API', async () => {
  sys = await startTestSystem()
  knobs('jd', { disputeOutcome: 'resolve', disputeDelayMs: 200 })
  knobs('meituan', { disputeOutcome: 'resolve', disputeAnswerTwice: true, disputeAnswerForeign: true, disputeDelayMs: 400 })
  const { body } = await openCase([{ appId: 'jd', kind: 'NOT_MINE' }, { appId: 'meituan', kind: 'NO_LONGER_USED' }])
  await waitFor(() => sys.mock.disputeAnswers.length === 6 || undefined, 'every callback', PATIENT)
  const meituan = sys.mock.disputeAnswers.filter(a => a.enterpriseId === 'meituan')
  // sorted: the foreign answer and the second one race each other
  expect(meituan.map(a => [a.itemId.split('.')[1], a.status, a.httpStatus]).sort()).toEqual([
    ['jd', 'RESOLVED', 404], ['meituan', 'ACKNOWLEDGED', 200], ['meituan', 'RESOLVED', 200], ['meituan', 'RESOLVED', 409]
  ])
  const view = (await getCase(body.caseId, body.accessToken)).body
  expect(view.items.map((i: { appId: string, status: string, action?: string }) => [i.appId, i.status, i.action])).toEqual([['jd', 'RESOLVED', 'UNBOUND'], ['meituan', 'RESOLVED', 'CANCELLED']])
})

test('never answered: OVERDUE after 24 h with the hotline by SMS; an answer after that still counts', async () => {
  sys = await startTestSystem()
  quiet('kuaishou')
  const { body } = await openCase([{ appId: 'kuaishou', kind: 'NOT_MINE' }])
  await waitFor(async () => (await statuses(body.caseId, body.accessToken)).kuaishou === 'FORWARDED' || undefined, 'forwarded', PATIENT)
  sys.clock.advance(23 * HOUR)
  expect((await sweepCases(sys.runtime)).overdue).toBe(0)
  sys.clock.advance(HOUR)
  // per enterprise too: what the handler counts as CaseItemsOverdue
  expect(await sweepCases(sys.runtime)).toEqual({
    cases: 1, overdue: 1, smsQueued: 1, dropped: 0, forwarded: 0, deferred: 0, enterprises: { kuaishou: { overdue: 1, forwarded: 0, deferred: 0 } }
  })
  await waitFor(() => caseSms().length === 2 || undefined, 'overdue SMS', PATIENT)
  expect(caseSms()[1]).toBe(`【一证通查】工单${body.ticket}：快手平台未在期限内处理您的申请，请致电4001260088并提供工单号。`)
  const item = (await getCase(body.caseId, body.accessToken)).body.items[0]
  expect(item).toEqual(expect.objectContaining({ status: 'OVERDUE', hotline: '4001260088', overdueAt: expect.any(String) }))
  // a second sweep finds nothing to do
  expect((await sweepCases(sys.runtime)).cases).toBe(0)
  expect((await answer('kuaishou', `${body.caseId}.kuaishou`, { status: 'RESOLVED', accountsAffected: 0, action: 'NONE_FOUND' }).send()).status).toBe(200)
})

test('an enterprise that cannot be reached: retried by the sweep, then after an hour the clear number goes; the deadline still runs', async () => {
  sys = await startTestSystem()
  knobs('baidu', { failRate: 1 })
  const { body } = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }])
  await waitFor(() => (sys.mock.disputes.baidu?.[`${body.caseId}.baidu`] ?? 0) >= 3 || undefined, 'tries', PATIENT)
  expect((await sys.dump()).DisputeOutbox).toHaveLength(1)
  knobs('baidu', { disputeOutcome: 'never' })
  sys.clock.advance(30 * 60_000)
  expect(await sweepCases(sys.runtime)).toEqual(expect.objectContaining({ forwarded: 1, deferred: 0, enterprises: { baidu: { overdue: 0, forwarded: 1, deferred: 0 } } }))
  expect((await statuses(body.caseId, body.accessToken)).baidu).toBe('FORWARDED')

  // another case whose enterprise stays down: after the hour the dispute and its number are gone
  knobs('baidu', { failRate: 1 })
  const second = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }], BOB)
  await waitFor(async () => (await sys.dump()).DisputeOutbox!.length === 1 || undefined, 'queued', PATIENT)
  sys.clock.advance(HOUR + 1)
  expect(await sweepCases(sys.runtime)).toEqual(expect.objectContaining({ dropped: 1, forwarded: 0, deferred: 0 }))
  const tables = await sys.dump()
  expect(tables.DisputeOutbox).toEqual([])
  expect(JSON.stringify(tables)).not.toContain(BOB.phone)
  expect((await statuses(second.body.caseId, second.body.accessToken)).baidu).toBe('SUBMITTED')
  sys.clock.advance(23 * HOUR)
  await sweepCases(sys.runtime)
  expect((await statuses(second.body.caseId, second.body.accessToken)).baidu).toBe('OVERDUE')
})

test('an enterprise that answers but whose 202 never comes (slow or broken): the dispute and its clear number still go after the hour', async () => {
  sys = await startTestSystem()
  knobs('baidu', { failRate: 1 })
  const { body } = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }])
  const itemId = `${body.caseId}.baidu`
  await waitFor(() => (sys.mock.disputes.baidu?.[itemId] ?? 0) >= 1 || undefined, 'tried', PATIENT)
  // it holds the dispute and answers, but its 202 never reaches us
  expect((await answer('baidu', itemId, { status: 'ACKNOWLEDGED' }).send()).status).toBe(200)
  sys.clock.advance(HOUR + 1)
  await sweepCases(sys.runtime)
  const tables = await sys.dump()
  expect(tables.DisputeOutbox).toEqual([])
  expect(JSON.stringify(tables)).not.toContain(ALICE.phone)
  expect((await statuses(body.caseId, body.accessToken)).baidu).toBe('ACKNOWLEDGED')
})

test('the sweep cannot be starved by an enterprise that hangs: deadlines and the clear-number drop come before the retries', async () => {
  sys = await startTestSystem()
  knobs('baidu', { failRate: 1 })
  const late = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }])
  await waitFor(async () => (await sys.dump()).DisputeOutbox!.length === 1 || undefined, 'queued', PATIENT)
  sys.clock.advance(HOUR + 1)
  const fresh = await openCase([{ appId: 'baidu', kind: 'NOT_MINE' }], BOB)
  await waitFor(async () => (await sys.dump()).DisputeOutbox!.some(r => r.pk === `${fresh.body.caseId}.baidu`) || undefined, 'queued', PATIENT)
  // every retry hangs (an enterprise that accepts the connection and never answers) until released
  const hung: (() => void)[] = []
  let released = false
  const disputes = {
    deliver: () => released ? Promise.reject(new Error('down')) : new Promise<string>((_resolve, reject) => { hung.push(() => reject(new Error('hung'))) })
  }
  const sweep = sweepCases({ ...sys.runtime, disputes })
  await waitFor(() => hung.length > 0 || undefined, 'a retry under way', PATIENT)
  const rows = (await sys.dump()).DisputeOutbox!.map(r => r.pk)
  expect(rows).not.toContain(`${late.body.caseId}.baidu`)
  released = true
  for (const fail of hung) fail()
  // the retry that failed is a deferral for its enterprise (DisputesDeferred), the late one a drop
  expect(await sweep).toEqual(expect.objectContaining({ dropped: 1, forwarded: 0, deferred: 1, enterprises: { baidu: { overdue: 0, forwarded: 0, deferred: 1 } } }))
  expect((await sys.dump()).DisputeOutbox!.map(r => r.pk)).toEqual([`${fresh.body.caseId}.baidu`])
})

test('an answer that overtakes the forward\'s 202 stays; a redelivered stream record changes nothing twice', async () => {
  sys = await startTestSystem()
  // the enterprise answers at once but takes 400 ms to say 202
  knobs('alipay', { latencyMs: 400, disputeAckDelayMs: 0, disputeDelayMs: 50 })
  const { body } = await openCase([{ appId: 'alipay', kind: 'NOT_MINE' }])
  const itemId = `${body.caseId}.alipay`
  await waitFor(async () => {
    const item = (await sys.dump()).Cases!.find(r => r.pk === body.caseId)?.items as { reference?: string }[] | undefined
    return item?.[0]?.reference
  }, 'reference recorded', PATIENT)
  const view = (await getCase(body.caseId, body.accessToken)).body.items[0]
  expect(view).toEqual(expect.objectContaining({ status: 'RESOLVED', forwardedAt: expect.any(String), action: 'UNBOUND' }))
  const rowBefore = (await sys.dump()).Cases

  // the same stream record again (Lambda delivers at least once): the dispute is gone, nothing is sent
  const record = { eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: itemId } }, SequenceNumber: '1' } }
  const redelivered = await forwardHandler(() => Promise.resolve(sys.runtime))({ Records: [record] } as DynamoDBStreamEvent)
  expect(redelivered).toEqual({ batchItemFailures: [] })
  expect(sys.mock.disputes.alipay).toEqual({ [itemId]: 1 })
  expect((await sys.dump()).Cases).toEqual(rowBefore)
})
