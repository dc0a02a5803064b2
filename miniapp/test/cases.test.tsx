// The resolution-case pages: 异议账号处理 (apps in SMS order, a kind each, notes, verification by a fresh code
// or the query just submitted, the separate consent naming the enterprises, an idempotent submit), 已提交
// (the ticket, the token kept on the device and never shown), 我的工单 (local storage only) and 工单详情
// (every item status, the timeline, instructions and link, the hotline, pull to refresh, 404).
import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import CaseDetailPage, { AUTO_REFRESH_MS } from '../src/case/detail/index'
import CaseSubmittedPage from '../src/case/submitted/index'
import MyCasesPage from '../src/case/list/index'
import NewCasePage, { noteError } from '../src/case/new/index'
import { caseConsentText } from '../src/services/cases-contract'
import { CASES_STORAGE } from '../src/utils/myCases'
import { forgetQuery } from '../src/utils/recentQuery'
import { fire } from './mocks/taro'
import { appLabels, enterprisesBody, err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const getStorage = Taro.getStorageSync as unknown as jest.Mock
const setStorage = Taro.setStorageSync as unknown as jest.Mock
const redirectTo = Taro.redirectTo as unknown as jest.Mock
const router = (Taro as unknown as { __router: { params: Record<string, string> } }).__router

const CASE_ID = '3f8a2b1c-1111-4000-8000-000000000001'
const QUERY_ID = '9d2c4e6f-2222-4000-8000-000000000002'
const TOKEN = 'tok_' + 'a'.repeat(40)
const TICKET = 'YZT-20300721-ABCDEF'

type Answer = { status: number, data: unknown, header?: Record<string, string> } | Error
/** answers by URL (the catalogue and the case are asked for at the same time); a list is used in order, its last one repeats */
function api (answers: Record<string, Answer | Answer[]>) {
  const queues = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]))
  request.mockImplementation(({ url }: { url: string }) => {
    const path = url.replace('https://api.test', '').replace(/\?.*$/, '')
    const q = queues[path]
    if (!q) return Promise.resolve({ statusCode: 404, data: err('NOT_FOUND'), header: {} })
    const a = q.length > 1 ? q.shift()! : q[0]
    if (a instanceof Error) return Promise.reject(a)
    return Promise.resolve({ statusCode: a.status, data: a.data, header: a.header ?? {} })
  })
}
const sent = (path: string) => request.mock.calls.map(c => c[0]).filter(r => String(r.url).endsWith(path))
/** local storage as a map behind the mocked sync API */
function storage (initial: Record<string, unknown> = {}) {
  const store = new Map(Object.entries(initial))
  getStorage.mockImplementation((k: string) => store.has(k) ? store.get(k) : '')
  setStorage.mockImplementation((k: string, v: unknown) => { store.set(k, v) })
  ;(Taro.removeStorageSync as unknown as jest.Mock).mockImplementation((k: string) => { store.delete(k) })
  return store
}

async function field (container: HTMLElement, id: string) {
  return waitFor(() => {
    const el = container.querySelector<HTMLInputElement>(`#${id} input`)
    if (!el) throw new Error(`no input in #${id}`)
    return el
  })
}
// Taro's H5 <Textarea> is <taro-textarea-core id=…><textarea/></taro-textarea-core>, rendered by Stencil later
async function note (container: HTMLElement, appId: string) {
  return waitFor(() => {
    const el = container.querySelector<HTMLTextAreaElement>(`#note-${appId} textarea`)
    if (!el) throw new Error(`no textarea in #note-${appId}`)
    return el
  })
}
const byId = (container: HTMLElement, id: string) => container.querySelector(`#${id}`) as HTMLElement
const disabled = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true'

afterEach(() => {
  jest.useRealTimers()
  forgetQuery()
})

describe('异议账号处理', () => {
  const created = {
    caseId: CASE_ID, ticket: TICKET, accessToken: TOKEN, maskedPhone: '138****5551',
    items: [
      { itemId: `${CASE_ID}.taobao`, appId: 'taobao', enterpriseId: 'alibaba', status: 'SUBMITTED' },
      { itemId: `${CASE_ID}.douyin`, appId: 'douyin', enterpriseId: 'douyin', status: 'SUBMITTED' }
    ]
  }
  const ACCEPTED = { status: 202, data: created }

  async function setup () {
    const user = userEvent.setup()
    const view = render(<NewCasePage />)
    // Stencil renders each checkbox's <input> after React mounts the row: a tap before that does nothing
    await waitFor(() => expect(view.container.querySelectorAll('.app-choice input[type=checkbox]')).toHaveLength(11))
    return { user, ...view }
  }
  /** tap the app's row label: the checkbox inside it toggles */
  const pick = (user: ReturnType<typeof userEvent.setup>, container: HTMLElement, appId: string) =>
    user.click(container.querySelector(`#app-${appId}-label .choice-name`) as HTMLElement)
  /** tap the consent's text, once its checkbox exists */
  async function agree (user: ReturnType<typeof userEvent.setup>, container: HTMLElement) {
    await waitFor(() => expect(container.querySelector('#case-consent input[type=checkbox]')).not.toBeNull())
    await user.click(screen.getByText(/^我单独同意/))
  }
  const kind = (user: ReturnType<typeof userEvent.setup>, container: HTMLElement, appId: string, k: string) =>
    user.click(byId(container, `kind-${appId}-${k}`))
  async function verifyWith (user: ReturnType<typeof userEvent.setup>, container: HTMLElement, code = '123456') {
    await user.type(await field(container, 'case-phone'), '13800005551')
    await user.type(await field(container, 'case-idSuffix'), '12345x')
    if (code) await user.type(await field(container, 'case-code'), code)
  }
  async function fillTwo (user: ReturnType<typeof userEvent.setup>, container: HTMLElement, code = '123456') {
    await pick(user, container, 'douyin')
    await pick(user, container, 'taobao')
    await kind(user, container, 'taobao', 'NOT_MINE')
    await kind(user, container, 'douyin', 'NO_LONGER_USED')
    await verifyWith(user, container, code)
    await agree(user, container)
  }

  test('lists every app by its label in SMS order; a picked app asks for its kind, and the submit says what is missing', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    storage()
    const { user, container } = await setup()
    expect([...container.querySelectorAll('.choice-name')].map(e => e.textContent)).toEqual(appLabels)
    expect(byId(container, 'case-submit-hint')).toHaveTextContent('请先填写或选择：要处理的应用、手机号码、身份证后六位、验证码')
    expect(byId(container, 'case-consent')).toBeNull() // no enterprise named yet: no consent to give

    await pick(user, container, 'taobao')
    const radios = byId(container, 'app-taobao').querySelectorAll('[role=radio]')
    expect([...radios].map(r => r.textContent)).toEqual(['不是本人注册', '不再使用，申请解绑/注销'])
    expect([...radios].map(r => r.getAttribute('aria-checked'))).toEqual(['false', 'false'])
    expect(byId(container, 'case-submit-hint')).toHaveTextContent('请先填写或选择：淘宝的异议类型、手机号码')
    await kind(user, container, 'taobao', 'NO_LONGER_USED')
    expect(byId(container, 'kind-taobao-NO_LONGER_USED').getAttribute('aria-checked')).toBe('true')
    expect(byId(container, 'kind-taobao-NOT_MINE').getAttribute('aria-checked')).toBe('false')
    await kind(user, container, 'taobao', 'NOT_MINE')
    expect(byId(container, 'kind-taobao-NOT_MINE').getAttribute('aria-checked')).toBe('true')

    await verifyWith(user, container)
    expect(byId(container, 'case-submit-hint')).toHaveTextContent('请先勾选上方的同意选项')
    await user.click(byId(container, 'case-submit'))
    expect(sent('/v1/cases')).toHaveLength(0)
    // unpicking removes its kind and note
    await pick(user, container, 'taobao')
    expect(byId(container, 'kind-taobao-NOT_MINE')).toBeNull()
  })

  test('前任账号解绑 is offered only when chosen: then it is the one kind, picked with the app, and sent as PREVIOUS_HOLDER', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody }, '/v1/cases': { status: 202, data: { caseId: CASE_ID, ticket: 'YZT-20260721-ABC234', accessToken: 'a'.repeat(43), maskedPhone: '138****5551', items: [] } } })
    storage()
    const { user, container } = await setup()
    await pick(user, container, 'taobao')
    expect(byId(container, 'kind-taobao-PREVIOUS_HOLDER')).toBeNull()
    await user.click(byId(container, 'previous-holder'))
    expect(byId(container, 'previous-holder').getAttribute('aria-checked')).toBe('true')
    // the kind chosen before no longer applies; the only one offered is the unbind
    const radios = byId(container, 'app-taobao').querySelectorAll('[role=radio]')
    expect([...radios].map(r => r.textContent)).toEqual(['前任账号解绑'])
    await kind(user, container, 'taobao', 'PREVIOUS_HOLDER')
    await pick(user, container, 'wechat')
    expect(byId(container, 'kind-wechat-PREVIOUS_HOLDER').getAttribute('aria-checked')).toBe('true')
    await verifyWith(user, container)
    await agree(user, container)
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(sent('/v1/cases')).toHaveLength(1))
    expect(JSON.parse(sent('/v1/cases')[0].data).items).toEqual([{ appId: 'taobao', kind: 'PREVIOUS_HOLDER' }, { appId: 'wechat', kind: 'PREVIOUS_HOLDER' }])
  })

  test('the separate consent names the chosen enterprises word for word, in SMS order, and must be given again when they change', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    expect(byId(container, 'case-consent')).toHaveTextContent(caseConsentText(['阿里巴巴', '抖音']))
    expect(byId(container, 'case-consent').textContent).toBe(
      '我单独同意：为处理本次异议申请，将我的手机号码提供给所选企业（阿里巴巴、抖音），用于核查和处理该号码注册的账号。')
    expect(disabled(byId(container, 'case-submit'))).toBe(false)
    // another app of an enterprise already named: the consent still covers it
    await pick(user, container, 'xianyu')
    await kind(user, container, 'xianyu', 'NOT_MINE')
    expect(disabled(byId(container, 'case-submit'))).toBe(false)
    // a new enterprise: consent again
    await pick(user, container, 'jd')
    await kind(user, container, 'jd', 'NOT_MINE')
    expect(byId(container, 'case-consent').textContent).toContain('（阿里巴巴、抖音、京东）')
    expect(disabled(byId(container, 'case-submit'))).toBe(true)
    expect(byId(container, 'case-submit-hint')).toHaveTextContent('请先勾选上方的同意选项')
    await agree(user, container)
    expect(disabled(byId(container, 'case-submit'))).toBe(false)
  })

  test('notes: at most 200 characters, no links, said at the note and at the submit', async () => {
    expect(noteError('从未注册过')).toBe('')
    expect(noteError('见 https://x.cn/a')).toBe('备注不能包含链接')
    expect(noteError('www.example.com')).toBe('备注不能包含链接')
    expect(noteError('详见 taobao.com')).toBe('备注不能包含链接')
    expect(noteError('x'.repeat(201))).toBe('备注不超过200字')
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    const taobaoNote = await note(container, 'taobao')
    expect(taobaoNote.id).toBe('note-taobao-input')
    expect(container.querySelector('label[for=note-taobao-input]')).toHaveTextContent('补充说明（选填）')
    expect(taobaoNote.maxLength).toBe(200)
    await user.type(taobaoNote, '请看 www.fake.cn')
    await waitFor(() => expect(byId(container, 'app-taobao-error')).toHaveTextContent('备注不能包含链接'))
    await waitFor(() => expect(taobaoNote.getAttribute('aria-describedby')).toBe('note-taobao-help app-taobao-error'))
    expect(byId(container, 'note-taobao-help')).toHaveTextContent('14/200字')
    expect(disabled(byId(container, 'case-submit'))).toBe(true)
    expect(byId(container, 'case-submit-hint')).toHaveTextContent('请修改淘宝的补充说明')
    await user.clear(taobaoNote)
    await user.type(taobaoNote, '  从未注册过  ')
    expect(byId(container, 'app-taobao-error')).toBeNull()
    expect(disabled(byId(container, 'case-submit'))).toBe(false)
  })

  test('submits with a fresh code and an idempotency key, keeps ticket and token on the device (nothing typed), opens 已提交', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody }, '/v1/cases': ACCEPTED })
    const store = storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    await user.type(await note(container, 'taobao'), '  从未注册过  ')
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    const [req] = sent('/v1/cases')
    expect(req.method).toBe('POST')
    expect(req.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{32}$/)
    // items in SMS order whatever the picking order; the note trimmed; a code, no queryId
    expect(JSON.parse(req.data)).toEqual({
      phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true,
      items: [{ appId: 'taobao', kind: 'NOT_MINE', note: '从未注册过' }, { appId: 'douyin', kind: 'NO_LONGER_USED' }]
    })
    const url = redirectTo.mock.calls[0][0].url as string
    expect(url).toBe(`/case/submitted/index?caseId=${CASE_ID}&ticket=${TICKET}&maskedPhone=138${encodeURIComponent('****')}5551`)
    expect(url).not.toContain(TOKEN)
    const kept = store.get(CASES_STORAGE)
    expect(kept).toEqual([{ caseId: CASE_ID, ticket: TICKET, accessToken: TOKEN, maskedPhone: '138****5551', createdAt: expect.any(String), appIds: ['taobao', 'douyin'] }])
    expect(JSON.stringify([...store.entries()])).not.toMatch(/13800005551|12345X|123456|从未注册/)
    // the submit's key went once the answer came
    expect(store.has('yzt.idempotency.cases')).toBe(false)
  })

  test('a query this device submitted within 10 minutes verifies the case for the same number: no code, its queryId', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody }, '/v1/cases': ACCEPTED })
    const store = storage({ 'yzt.recentQuery': { queryId: QUERY_ID, maskedPhone: '138****5551', at: Date.now() - 2 * 60_000 } })
    const { user, container } = await setup()
    expect(byId(container, 'recent-hint')).toHaveTextContent('您刚完成了138****5551的查询验证')
    await pick(user, container, 'taobao')
    await kind(user, container, 'taobao', 'NOT_MINE')
    // another number: the recent verification does not apply
    await user.type(await field(container, 'case-phone'), '13900007777')
    expect(byId(container, 'method-recent')).toBeNull()
    expect(byId(container, 'case-code')).not.toBeNull()
    const phone = await field(container, 'case-phone')
    await user.clear(phone)
    await user.type(phone, '13800005551')
    await waitFor(() => expect(byId(container, 'method-recent')).not.toBeNull())
    expect(byId(container, 'method-recent').getAttribute('aria-checked')).toBe('true')
    expect(byId(container, 'method-recent')).toHaveTextContent('使用刚完成的验证（138****5551，约7分钟内有效）')
    expect(byId(container, 'case-code')).toBeNull()
    expect(byId(container, 'recent-hint')).toBeNull()
    // the other way remains: a fresh code
    await user.click(byId(container, 'method-code'))
    expect(byId(container, 'case-code')).not.toBeNull()
    await user.click(byId(container, 'method-recent'))
    await user.type(await field(container, 'case-idSuffix'), '12345x')
    await agree(user, container)
    expect(byId(container, 'case-submit-hint')).toBeNull()
    expect(disabled(byId(container, 'case-submit'))).toBe(false)
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(JSON.parse(sent('/v1/cases')[0].data)).toEqual({
      phone: '13800005551', idSuffix: '12345X', queryId: QUERY_ID, consent: true, items: [{ appId: 'taobao', kind: 'NOT_MINE' }]
    })
    expect(sent('/v1/verification-codes')).toHaveLength(0)
    // a query proves the holder for one case only
    expect(store.has('yzt.recentQuery')).toBe(false)
  })

  test('a query older than 10 minutes is not offered', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    storage({ 'yzt.recentQuery': { queryId: QUERY_ID, maskedPhone: '138****5551', at: Date.now() - 10 * 60_000 } })
    const { user, container } = await setup()
    expect(byId(container, 'recent-hint')).toBeNull()
    await user.type(await field(container, 'case-phone'), '13800005551')
    expect(byId(container, 'method-recent')).toBeNull()
    expect(byId(container, 'case-code')).not.toBeNull()
  })

  test('when the API no longer takes the recent verification, the page asks for a code instead', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody }, '/v1/cases': { status: 401, data: err('CODE_INVALID') } })
    const store = storage({ 'yzt.recentQuery': { queryId: QUERY_ID, maskedPhone: '138****5551', at: Date.now() - 60_000 } })
    const { user, container } = await setup()
    await pick(user, container, 'taobao')
    await kind(user, container, 'taobao', 'NOT_MINE')
    await verifyWith(user, container, '')
    await agree(user, container)
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(byId(container, 'case-form-error')).toHaveTextContent('刚才的验证已超过10分钟或已用于其他申请，请获取短信验证码后重新提交。'))
    expect(byId(container, 'method-recent')).toBeNull()
    expect(byId(container, 'case-code')).not.toBeNull()
    expect(store.has('yzt.recentQuery')).toBe(false)
    expect(disabled(byId(container, 'case-submit'))).toBe(true)
  })

  test('the code button works as on the home page: sends, counts down, says where the code went', async () => {
    api({
      '/v1/enterprises': { status: 200, data: enterprisesBody },
      '/v1/verification-codes': { status: 202, data: { maskedPhone: '138****5551', expiresInSeconds: 300, resendAfterSeconds: 60 } }
    })
    storage()
    const { user, container } = await setup()
    expect(disabled(byId(container, 'case-send-code'))).toBe(true)
    await user.type(await field(container, 'case-phone'), '13800005551')
    await user.click(byId(container, 'case-send-code'))
    await waitFor(() => expect(byId(container, 'case-send-code')).toHaveTextContent(/^(60|59)秒后重新获取$/))
    expect(byId(container, 'case-code-notice')).toHaveTextContent('验证码已发送至138****5551，5分钟内有效')
    expect(byId(container, 'case-live').getAttribute('aria-live')).toBe('polite')
    expect(sent('/v1/verification-codes')[0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{32}$/)
    await user.click(byId(container, 'case-send-code'))
    expect(sent('/v1/verification-codes')).toHaveLength(1)
  })

  test('CONFLICT: the API names the apps that already have an open case; each is marked at its row', async () => {
    api({
      '/v1/enterprises': { status: 200, data: enterprisesBody },
      '/v1/cases': { status: 409, data: err('CONFLICT', 'server wording', { fields: { taobao: '已有处理中的异议申请' } }) }
    })
    const store = storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    await user.click(byId(container, 'case-submit'))
    // named from the fields, in the page's words
    await waitFor(() => expect(byId(container, 'case-form-error')).toHaveTextContent('淘宝已有处理中的异议申请。'))
    expect(byId(container, 'case-form-error')).not.toHaveTextContent('server wording')
    expect(byId(container, 'case-form-error').getAttribute('role')).toBe('alert')
    expect(byId(container, 'case-form-error')).toHaveTextContent('请取消勾选这些应用后再提交')
    expect(byId(container, 'app-taobao-error')).toHaveTextContent('已有处理中的异议申请')
    expect(byId(container, 'app-douyin-error')).toBeNull()
    expect(store.has(CASES_STORAGE)).toBe(false)
    expect(redirectTo).not.toHaveBeenCalled()
    // unpicking the app clears its mark and the sentence (once Stencil re-enabled the box disabled while submitting)
    await waitFor(() => expect((container.querySelector('#app-taobao input[type=checkbox]') as HTMLInputElement).disabled).toBe(false))
    await pick(user, container, 'taobao')
    expect(byId(container, 'app-taobao-error')).toBeNull()
    expect(byId(container, 'case-form-error')).toBeNull()
  })

  test('RATE_LIMITED (3 cases a day): the wait in hours, the rule, and no submit until it has passed', async () => {
    api({
      '/v1/enterprises': { status: 200, data: enterprisesBody },
      '/v1/cases': { status: 429, data: err('RATE_LIMITED', 'x', { retryAfterSeconds: 7000 }), header: { 'Retry-After': '7000' } }
    })
    storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(byId(container, 'case-form-error')).toHaveTextContent('操作过于频繁，请约2小时后再试。'))
    expect(byId(container, 'case-form-error')).toHaveTextContent('每个号码24小时内最多提交3次异议申请。')
    expect(disabled(byId(container, 'case-submit'))).toBe(true)
    await user.click(byId(container, 'case-submit'))
    expect(sent('/v1/cases')).toHaveLength(1)
  })

  test('INVALID_INPUT about one item shows at that app; verification failures say the tries left', async () => {
    api({
      '/v1/enterprises': { status: 200, data: enterprisesBody },
      '/v1/cases': [
        { status: 400, data: err('INVALID_INPUT', 'x', { fields: { 'items.1.note': '备注不能包含链接' } }) },
        { status: 403, data: err('VERIFICATION_FAILED', 'x', { triesLeft: 2 }) }
      ]
    })
    storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    await user.type(await note(container, 'douyin'), '见抖音客服')
    await user.click(byId(container, 'case-submit'))
    // items.1 is the second app in SMS order: 抖音平台
    await waitFor(() => expect(byId(container, 'app-douyin-error')).toHaveTextContent('备注不能包含链接'))
    expect(byId(container, 'case-form-error')).toHaveTextContent('填写的信息有误，请按提示修改。')
    const douyinNote = await note(container, 'douyin')
    // disabled while submitting; Stencil re-enables the inner <textarea> on its own schedule
    await waitFor(() => expect(douyinNote.disabled).toBe(false))
    await user.type(douyinNote, '。')
    expect(byId(container, 'app-douyin-error')).toBeNull()
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(byId(container, 'case-form-error')).toHaveTextContent('手机号码与身份证号码后六位不匹配'))
    expect(byId(container, 'case-form-error')).toHaveTextContent('还可尝试2次')
  })

  test('a lost answer is not a failure: the outcome is unknown, the page asks again with the same key, one case', async () => {
    api({
      '/v1/enterprises': { status: 200, data: enterprisesBody },
      '/v1/cases': [new Error('request:fail timeout'), ACCEPTED]
    })
    storage()
    const { user, container } = await setup()
    await fillTwo(user, container)
    await user.click(byId(container, 'case-submit'))
    await waitFor(() => expect(byId(container, 'case-outcome-unknown')).toHaveTextContent('暂不确定是否已提交成功'))
    expect(byId(container, 'case-form-error')).toBeNull()
    await waitFor(() => expect(redirectTo).toHaveBeenCalled(), { timeout: 3000 })
    const [first, second] = sent('/v1/cases')
    expect(second.header['Idempotency-Key']).toBe(first.header['Idempotency-Key'])
    expect(second.data).toBe(first.data)
  })

  test('关怀模式: one thing per step — apps, number, ID suffix, then the verification with consent and submit', async () => {
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    storage({ 'yzt.care': '1' })
    const { user, container } = await setup()
    expect(container.querySelector('.page')?.className).toContain('care')
    expect(byId(container, 'case-step-count')).toHaveTextContent('第1步，共4步')
    expect(byId(container, 'case-phone')).toBeNull()
    await user.click(byId(container, 'case-next-step'))
    expect(byId(container, 'case-step-hint')).toHaveTextContent('请先选择要处理的应用')
    await pick(user, container, 'taobao')
    await user.click(byId(container, 'case-next-step'))
    expect(byId(container, 'case-step-count')).toHaveTextContent('第1步')
    expect(byId(container, 'case-step-hint')).toHaveTextContent('请先选择：淘宝的异议类型')
    await kind(user, container, 'taobao', 'NOT_MINE')
    await user.click(byId(container, 'case-next-step'))
    expect(byId(container, 'case-step-count')).toHaveTextContent('第2步，共4步')
    expect(byId(container, 'app-taobao')).toBeNull()
    await user.type(await field(container, 'case-phone'), '13800005551')
    await user.click(byId(container, 'case-next-step'))
    await user.type(await field(container, 'case-idSuffix'), '12345x')
    await user.click(byId(container, 'case-next-step'))
    expect(byId(container, 'case-step-count')).toHaveTextContent('第4步，共4步')
    expect(byId(container, 'case-code')).not.toBeNull()
    expect(byId(container, 'case-consent')).toHaveTextContent('（阿里巴巴）')
    expect(byId(container, 'case-submit')).not.toBeNull()
  })
})

describe('已提交', () => {
  const saved = { caseId: CASE_ID, ticket: TICKET, accessToken: TOKEN, maskedPhone: '138****5551', createdAt: '2030-07-20T16:31:00.000Z', appIds: ['taobao', 'douyin'] }

  test('shows the ticket (copyable) and what happens next, never the token; links to 工单详情 and 我的工单', async () => {
    router.params = { caseId: CASE_ID, ticket: TICKET, maskedPhone: encodeURIComponent('138****5551') }
    storage({ [CASES_STORAGE]: [saved] })
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    const user = userEvent.setup()
    const { container } = render(<CaseSubmittedPage />)
    expect(byId(container, 'case-status')).toHaveTextContent('异议申请已提交')
    expect(byId(container, 'case-ticket')).toHaveTextContent(TICKET)
    await waitFor(() => expect(byId(container, 'next-steps')).toHaveTextContent('我们把申请转交阿里巴巴、抖音（涉及淘宝、抖音平台）'))
    expect(byId(container, 'next-steps')).toHaveTextContent('5个工作日内处理')
    expect(container.textContent).not.toContain(TOKEN)
    expect(byId(container, 'unsaved')).toBeNull()
    await user.click(byId(container, 'case-copy-ticket'))
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: TICKET })
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith({ title: '工单号已复制', icon: 'none' }))
    await user.click(byId(container, 'to-detail'))
    expect(redirectTo).toHaveBeenCalledWith({ url: `/case/detail/index?caseId=${CASE_ID}` })
    await user.click(byId(container, 'case-to-cases'))
    expect(redirectTo).toHaveBeenLastCalledWith({ url: '/case/list/index' })
  })

  test('when the device could not keep the case, it says so and offers no detail page', async () => {
    router.params = { caseId: CASE_ID, ticket: TICKET, maskedPhone: '138****5551' }
    storage()
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    const { container } = render(<CaseSubmittedPage />)
    expect(byId(container, 'case-ticket')).toHaveTextContent(TICKET)
    expect(byId(container, 'unsaved')).toHaveTextContent('本机未能保存该工单')
    expect(byId(container, 'to-detail')).toBeNull()
    await act(async () => { await Promise.resolve() })
  })
})

describe('我的工单', () => {
  const a = { caseId: CASE_ID, ticket: TICKET, accessToken: TOKEN, maskedPhone: '138****5551', createdAt: '2030-07-20T16:31:00.000Z', appIds: ['taobao', 'douyin'] }
  const b = { ...a, caseId: '3f8a2b1c-1111-4000-8000-000000000009', ticket: 'YZT-20300801-XYZ234', maskedPhone: '139****7777', createdAt: '2030-08-01T02:00:00.000Z', appIds: ['jd'] }

  test('lists this device\'s cases from local storage only: ticket, masked number, date, apps; a tap opens the detail', async () => {
    storage({ [CASES_STORAGE]: [b, a, { junk: true }] })
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    const user = userEvent.setup()
    const { container } = render(<MyCasesPage />)
    const rows = container.querySelectorAll('.case-row')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toHaveTextContent('YZT-20300801-XYZ234')
    expect(rows[0]).toHaveTextContent('139****7777 · 2030年8月1日提交')
    expect(rows[1]).toHaveTextContent('138****5551 · 2030年7月21日提交') // China date
    await waitFor(() => expect(rows[1]).toHaveTextContent('淘宝、抖音平台'))
    expect(rows[0].getAttribute('role')).toBe('link')
    expect(sent('/v1/cases')).toHaveLength(0)
    expect(container.textContent).not.toContain(TOKEN)
    await user.click(rows[1])
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/case/detail/index?caseId=${CASE_ID}` })
  })

  test('an empty device says so, and shows the list again when the page shows again', async () => {
    const store = storage()
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    const { container } = render(<MyCasesPage />)
    expect(byId(container, 'cases-empty')).toHaveTextContent('本机还没有异议工单')
    store.set(CASES_STORAGE, [a])
    act(() => fire('didShow'))
    expect(container.querySelectorAll('.case-row')).toHaveLength(1)
    await act(async () => { await Promise.resolve() })
  })
})

describe('工单详情', () => {
  const saved = { caseId: CASE_ID, ticket: TICKET, accessToken: TOKEN, maskedPhone: '138****5551', createdAt: '2026-11-30T06:00:00.000Z', appIds: [] } // the device's clock
  const T = (h: number, m = 0) => `2030-07-2${h >= 24 ? 1 : 0}T${String(h % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`
  const item = (appId: string, enterpriseId: string, status: string, extra: object = {}) => ({
    itemId: `${CASE_ID}.${appId}`, appId, enterpriseId, kind: 'NOT_MINE', status,
    submittedAt: T(16, 31), acknowledgeBy: T(40, 31), resolveBy: '2030-07-26T16:31:00.000Z', ...extra
  })
  const fwd = { forwardedAt: T(16, 32) }
  const ack = { ...fwd, acknowledgedAt: T(17, 0) }
  const items = [
    item('xianyu', 'alibaba', 'SUBMITTED'),
    item('taobao', 'alibaba', 'FORWARDED', fwd),
    item('dingtalk', 'alibaba', 'ACKNOWLEDGED', ack),
    item('douyin', 'douyin', 'NEEDS_USER_ACTION', { ...ack, answeredAt: T(18), instructions: '请在抖音App“我—设置—账号与安全”中完成人脸核验', link: 'https://www.douyin.example/verify?case=1' }),
    item('jd', 'jd', 'RESOLVED', { ...ack, answeredAt: T(19), action: 'UNBOUND' }),
    item('meituan', 'meituan', 'RESOLVED', { ...ack, answeredAt: T(19), action: 'NONE_FOUND' }),
    item('qq', 'tencent', 'REJECTED', { ...ack, answeredAt: T(20), message: '该账号已完成实名认证，请本人登录后处理', hotline: '95017' }),
    item('baidu', 'baidu', 'OVERDUE', { ...fwd, overdueAt: T(40, 31), hotline: '4009208888' })
  ]
  const view = { caseId: CASE_ID, ticket: TICKET, maskedPhone: '138****5551', createdAt: T(16, 31), updatedAt: T(20), items }

  async function open (answers: Answer | Answer[]) {
    router.params = { caseId: CASE_ID }
    storage({ [CASES_STORAGE]: [saved] })
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody }, [`/v1/cases/${CASE_ID}`]: answers })
    const user = userEvent.setup()
    const r = render(<CaseDetailPage />)
    return { user, ...r }
  }

  test('asks with the bearer token and renders every status: label, timeline with times, deadlines', async () => {
    const { container } = await open({ status: 200, data: view })
    await waitFor(() => expect(byId(container, 'item-baidu')).not.toBeNull())
    expect(sent(`/v1/cases/${CASE_ID}`)[0].header.authorization).toBe(`Bearer ${TOKEN}`)
    // the device's copy takes the API's creation time
    expect(setStorage).toHaveBeenCalledWith(CASES_STORAGE, [{ ...saved, createdAt: T(16, 31) }])
    expect(byId(container, 'detail-ticket')).toHaveTextContent(TICKET)
    await waitFor(() => expect(byId(container, 'item-xianyu-name')).toHaveTextContent('闲鱼'))
    const status = (id: string) => byId(container, `item-${id}-status`).textContent
    expect(status('xianyu')).toBe('已提交，正在转交')
    expect(status('taobao')).toBe('已转交企业，等待受理')
    expect(status('dingtalk')).toBe('企业已受理，正在处理')
    expect(status('douyin')).toBe('需要您在App内核验身份')
    expect(status('jd')).toBe('已处理')
    expect(status('qq')).toBe('企业未能处理')
    expect(status('baidu')).toBe('企业逾期未处理')
    // timeline in China time, oldest first
    const steps = (id: string) => [...byId(container, `item-${id}`).querySelectorAll('.timeline-step')].map(s => s.textContent)
    expect(steps('xianyu')).toEqual(['7月21日 00:31提交申请'])
    expect(steps('jd')).toEqual(['7月21日 00:31提交申请', '7月21日 00:32已转交企业', '7月21日 01:00企业已受理', '7月21日 03:00企业已处理：已解绑该号码'])
    expect(steps('baidu')).toEqual(['7月21日 00:31提交申请', '7月21日 00:32已转交企业', '7月22日 00:31企业未在期限内处理'])
    expect(byId(container, 'item-xianyu')).toHaveTextContent('阿里巴巴 · 不是本人注册')
    // deadlines while open; none once answered for good
    expect(byId(container, 'deadlines-taobao')).toHaveTextContent('受理期限：7月22日 00:31前')
    expect(byId(container, 'deadlines-taobao')).toHaveTextContent('处理期限：7月27日 00:31前')
    expect(byId(container, 'deadlines-dingtalk')).not.toHaveTextContent('受理期限')
    expect(byId(container, 'deadlines-jd')).toBeNull()
    expect(byId(container, 'deadlines-qq')).toBeNull()
    expect(byId(container, 'deadlines-douyin')).toBeNull() // the enterprise waits for the person
    expect(byId(container, 'deadlines-baidu').textContent).toBe('受理期限：7月22日 00:31前（已逾期）')
    expect(byId(container, 'result-jd')).toHaveTextContent('处理结果：已解绑该号码。')
    expect(byId(container, 'result-meituan')).toHaveTextContent('未发现该号码注册的账号')
    // never counts, never the token
    expect(container.textContent).not.toContain(TOKEN)
    // no hotline unless late or refused
    for (const id of ['xianyu', 'taobao', 'dingtalk', 'douyin', 'jd']) expect(byId(container, `call-${id}`)).toBeNull()
  })

  test('NEEDS_USER_ACTION: the instructions and a copyable link; REJECTED: the message; hotline tap-to-call when OVERDUE or REJECTED', async () => {
    const { user, container } = await open({ status: 200, data: view })
    await waitFor(() => expect(byId(container, 'instructions-douyin')).not.toBeNull())
    expect(byId(container, 'instructions-douyin')).toHaveTextContent('请在抖音App“我—设置—账号与安全”中完成人脸核验')
    expect(byId(container, 'link-douyin')).toHaveTextContent('https://www.douyin.example/verify?case=1')
    await user.click(byId(container, 'copy-link-douyin'))
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: 'https://www.douyin.example/verify?case=1' })
    expect(byId(container, 'message-qq')).toHaveTextContent('企业说明：该账号已完成实名认证，请本人登录后处理')
    for (const [id, tel] of [['qq', '95017'], ['baidu', '4009208888']]) {
      const row = byId(container, `call-${id}`)
      expect(row.getAttribute('role')).toBe('link')
      expect(row).toHaveTextContent(tel)
      await user.click(row)
      expect(Taro.makePhoneCall).toHaveBeenLastCalledWith({ phoneNumber: tel })
    }
    await waitFor(() => expect(byId(container, 'call-baidu')).toHaveTextContent('拨打百度客服电话4009208888'))
    expect(byId(container, 'item-baidu')).toHaveTextContent('企业未在期限内处理，请致电客服并提供工单号。')
  })

  test('refreshes by the button and by pulling down; asks again by itself while an item is still being forwarded', async () => {
    const first = { ...view, items: [item('taobao', 'alibaba', 'SUBMITTED')] }
    const second = { ...view, items: [item('taobao', 'alibaba', 'FORWARDED', fwd)] }
    const third = { ...view, items: [item('taobao', 'alibaba', 'ACKNOWLEDGED', ack)] }
    const { user, container } = await open([{ status: 200, data: first }, { status: 200, data: second }, { status: 200, data: third }])
    await waitFor(() => expect(byId(container, 'item-taobao-status')).toHaveTextContent('已提交，正在转交'))
    await waitFor(() => expect(byId(container, 'item-taobao-status')).toHaveTextContent('已转交企业'), { timeout: AUTO_REFRESH_MS + 3000 })
    expect(byId(container, 'detail-live')).toHaveTextContent('已刷新')
    const n = sent(`/v1/cases/${CASE_ID}`).length
    await new Promise(resolve => setTimeout(resolve, AUTO_REFRESH_MS + 500))
    expect(sent(`/v1/cases/${CASE_ID}`)).toHaveLength(n) // FORWARDED waits for the enterprise: no polling
    act(() => fire('pullDownRefresh'))
    await waitFor(() => expect(byId(container, 'item-taobao-status')).toHaveTextContent('企业已受理'))
    await waitFor(() => expect(Taro.stopPullDownRefresh).toHaveBeenCalled())
    await user.click(byId(container, 'refresh'))
    await waitFor(() => expect(sent(`/v1/cases/${CASE_ID}`)).toHaveLength(n + 2))
  }, 40_000)

  test('404: the ticket is no longer available; the device can forget it', async () => {
    const { user, container } = await open({ status: 404, data: err('NOT_FOUND') })
    await waitFor(() => expect(byId(container, 'detail-status')).toHaveTextContent('该工单已无法查看'))
    expect(byId(container, 'gone')).toHaveTextContent(`工单${TICKET}已不存在`)
    await user.click(byId(container, 'forget'))
    expect(setStorage).toHaveBeenLastCalledWith(CASES_STORAGE, [])
    expect(redirectTo).toHaveBeenCalledWith({ url: '/case/list/index' })
  })

  test('我的工单 from the detail goes back when the list opened it, instead of stacking the list again', async () => {
    const { user, container } = await open({ status: 200, data: view })
    await waitFor(() => expect(byId(container, 'item-jd')).not.toBeNull())
    ;(Taro.getCurrentPages as unknown as jest.Mock).mockReturnValueOnce([{ route: 'case/list/index' }, { route: 'case/detail/index' }])
    await user.click(byId(container, 'detail-to-cases'))
    expect(Taro.navigateBack).toHaveBeenCalled()
    expect(redirectTo).not.toHaveBeenCalled()
  })

  test('another failure keeps the page and says it in plain words', async () => {
    const { container } = await open({ status: 503, data: err('UNAVAILABLE') })
    await waitFor(() => expect(byId(container, 'detail-error')).toHaveTextContent('暂时无法获取进度：查询服务暂时不可用'))
    expect(byId(container, 'refresh')).not.toBeNull()
  })

  test('without the token on this device it asks for nothing', async () => {
    router.params = { caseId: CASE_ID }
    storage()
    api({ '/v1/enterprises': { status: 200, data: enterprisesBody } })
    const { container } = render(<CaseDetailPage />)
    expect(byId(container, 'detail-status')).toHaveTextContent('本机没有该工单')
    await act(async () => { await Promise.resolve() })
    expect(sent(`/v1/cases/${CASE_ID}`)).toHaveLength(0)
  })
})
