import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import QueryPage from '../src/pages/index/index'
import { respond } from './mocks/taro'
import { err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const navigateTo = Taro.navigateTo as unknown as jest.Mock

const SENT = { status: 202, data: { maskedPhone: '138****5551', expiresInSeconds: 300, resendAfterSeconds: 60 } }
const ACCEPTED = { status: 202, data: { queryId: 'q-1', maskedPhone: '138****5551', status: 'ACCEPTED' } }

// Taro's H5 <Input> is <taro-input-core id=…><input/></taro-input-core>
async function field (container: HTMLElement, id: string) {
  return waitFor(() => {
    const el = container.querySelector<HTMLInputElement>(`#${id} input`)
    if (!el) throw new Error(`no input in #${id}`)
    return el
  })
}
const byId = (container: HTMLElement, id: string) => container.querySelector(`#${id}`) as HTMLElement

// Taro's H5 components render through Stencil, which schedules on real timers: let the form appear
// first, and only then (for the countdown tests) switch to fake timers.
async function setup ({ fakeTimers = false } = {}) {
  const view = render(<QueryPage />)
  for (const id of ['phone', 'idSuffix', 'code']) await field(view.container, id)
  if (fakeTimers) jest.useFakeTimers({ doNotFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'queueMicrotask', 'nextTick', 'setImmediate'] })
  const user = userEvent.setup(fakeTimers ? { advanceTimers: ms => jest.advanceTimersByTime(ms) } : {})
  return { user, ...view }
}
// Buttons stay tappable (a tap explains what is missing) and say they are unavailable with aria-disabled.
const disabled = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true'

async function fillValid (user: ReturnType<typeof userEvent.setup>, container: HTMLElement) {
  await user.type(await field(container, 'phone'), '13800005551')
  await user.type(await field(container, 'idSuffix'), '12345x')
  await user.type(await field(container, 'code'), '123456')
  await user.click(screen.getByText(/我单独同意/))
}

afterEach(() => jest.useRealTimers())

describe('validation', () => {
  test('inline errors appear as a field is completed wrongly and go when fixed', async () => {
    const { user, container } = await setup()
    const phone = await field(container, 'phone')
    await user.type(phone, '1280000555')
    expect(byId(container, 'phone-error')).toBeNull() // not complete yet, not blurred: no nagging
    await user.type(phone, '1')
    expect(byId(container, 'phone-error')).toHaveTextContent('请输入正确的11位手机号码')
    await user.clear(phone)
    await user.type(phone, '13800005551')
    expect(byId(container, 'phone-error')).toBeNull()

    await user.type(await field(container, 'idSuffix'), '1234Y5')
    expect(byId(container, 'idSuffix-error')).toHaveTextContent('5位数字加1位数字或X')
  })

  test('leaving a short field shows its error', async () => {
    const { user, container } = await setup()
    await user.type(await field(container, 'code'), '12')
    expect(byId(container, 'code-error')).toBeNull()
    await user.click(screen.getByText('全国互联网账号一证通查'))
    expect(byId(container, 'code-error')).toHaveTextContent('请输入6位短信验证码')
  })

  test('submit stays disabled until every field is valid and consent is given separately', async () => {
    const { user, container } = await setup()
    const submit = byId(container, 'submit')
    await user.type(await field(container, 'phone'), '13800005551')
    await user.type(await field(container, 'idSuffix'), '12345x')
    await user.type(await field(container, 'code'), '123456')
    expect(disabled(submit)).toBe(true)
    await user.click(submit)
    expect(request).not.toHaveBeenCalled()

    await user.click(screen.getByText(/我单独同意/))
    expect(disabled(submit)).toBe(false)
    await user.click(screen.getByText(/我单独同意/))
    expect(disabled(submit)).toBe(true)
  })

  test('the privacy notice is one tap away and does not tick the box', async () => {
    const { user, container } = await setup()
    await user.click(byId(container, 'privacy-link'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' })
    expect(disabled(byId(container, 'submit'))).toBe(true)
    expect(container.querySelector('taro-checkbox-core')?.getAttribute('checked')).not.toBe('true')
  })
})

describe('verification code', () => {
  test('counts down from resendAfterSeconds; a resend is impossible until it ends', async () => {
    const { user, container } = await setup({ fakeTimers: true })
    const send = byId(container, 'send-code')
    expect(disabled(send)).toBe(true) // no valid number yet
    await user.type(await field(container, 'phone'), '13800005551')
    respond(SENT)
    await user.click(send)
    await waitFor(() => expect(send).toHaveTextContent('60秒后重新获取'))
    expect(byId(container, 'code-notice')).toHaveTextContent('验证码已发送至138****5551，5分钟内有效')
    expect(disabled(send)).toBe(true)

    await act(async () => { jest.advanceTimersByTime(30_000) })
    expect(send).toHaveTextContent('30秒后重新获取')
    await user.click(send)
    expect(request).toHaveBeenCalledTimes(1)

    await act(async () => { jest.advanceTimersByTime(30_000) })
    expect(send).toHaveTextContent('重新获取')
    expect(disabled(send)).toBe(false)
    respond(SENT)
    await user.click(send)
    await waitFor(() => expect(request).toHaveBeenCalledTimes(2))
  })

  test('RATE_LIMITED starts the countdown from the server wait and says how long', async () => {
    const { user, container } = await setup({ fakeTimers: true })
    await user.type(await field(container, 'phone'), '13800005551')
    respond({ status: 429, data: err('RATE_LIMITED', 'x', { retryAfterSeconds: 120 }), header: { 'retry-after': '120' } })
    await user.click(byId(container, 'send-code'))
    await waitFor(() => expect(byId(container, 'send-error')).toHaveTextContent('操作过于频繁，请2分钟后再试。'))
    expect(byId(container, 'send-code')).toHaveTextContent('120秒后重新获取')
    await act(async () => { jest.advanceTimersByTime(119_000) })
    expect(byId(container, 'send-code')).toHaveTextContent('1秒后重新获取')
    // the sentence counts down with the button instead of going stale, and goes when the wait is over
    expect(byId(container, 'send-error')).toHaveTextContent('操作过于频繁，请1秒后再试。')
    await act(async () => { jest.advanceTimersByTime(1_500) })
    expect(byId(container, 'send-error')).toBeNull()
    expect(disabled(byId(container, 'send-code'))).toBe(false)
  })

  test('the wait can come from the Retry-After header alone', async () => {
    const { user, container } = await setup()
    await user.type(await field(container, 'phone'), '13800005551')
    respond({ status: 429, data: err('RATE_LIMITED'), header: { 'Retry-After': '45' } })
    await user.click(byId(container, 'send-code'))
    await waitFor(() => expect(byId(container, 'send-code')).toHaveTextContent('45秒后重新获取'))
    expect(byId(container, 'send-error')).toHaveTextContent('请45秒后再试')
  })
})

describe('submitting', () => {
  test('sends the normalised form, clears the secrets and opens 已提交 with the masked number', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond(ACCEPTED)
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({
      url: '/pages/submitted/index?queryId=q-1&maskedPhone=138****5551'.replace('****', encodeURIComponent('****'))
    }))
    expect(JSON.parse(request.mock.calls[0][0].data)).toEqual({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true })
    expect((await field(container, 'idSuffix')).value).toBe('')
    expect((await field(container, 'code')).value).toBe('')
    expect(Taro.setStorage).not.toHaveBeenCalled()
    // storage only ever holds the submit's random key (lost once the answer came) and, for a resolution case
    // within 10 minutes, the query id with the masked number: nothing typed
    for (const [name, value] of (Taro.setStorageSync as unknown as jest.Mock).mock.calls) {
      if (name === 'yzt.recentQuery') {
        expect(value).toEqual({ queryId: 'q-1', maskedPhone: '138****5551', at: expect.any(Number) })
        continue
      }
      expect(name).toBe('yzt.idempotency.queries')
      expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/)
    }
    expect(Taro.setStorageSync).toHaveBeenCalledWith('yzt.recentQuery', expect.anything())
    expect(Taro.removeStorageSync).toHaveBeenCalledWith('yzt.idempotency.queries')
    expect(window.localStorage.length + window.sessionStorage.length).toBe(0)
  })

  test('shows a loading state while the request is in flight', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    let answer: (v: unknown) => void = () => undefined
    request.mockImplementationOnce(() => new Promise(resolve => { answer = resolve }))
    await user.click(byId(container, 'submit'))
    expect(byId(container, 'submit')).toHaveTextContent('正在提交')
    expect(disabled(byId(container, 'submit'))).toBe(true)
    await user.click(byId(container, 'submit'))
    expect(request).toHaveBeenCalledTimes(1)
    await act(async () => { answer({ statusCode: 202, data: ACCEPTED.data, header: {} }) })
    expect(byId(container, 'submit')).toHaveTextContent('提交查询')
  })

  test.each([
    ['VERIFICATION_FAILED', 403, {}, '手机号码与身份证号码后六位不匹配'],
    ['CODE_INVALID', 400, {}, '短信验证码不正确或已过期'],
    ['RATE_LIMITED', 429, { retryAfterSeconds: 3600 }, '操作过于频繁，请60分钟后再试。'],
    ['UNAVAILABLE', 503, {}, '查询服务暂时不可用，请稍后再试。']
  ])('%s is explained in plain words', async (code, status, extra, words) => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond({ status, data: err(code, 'server wording', extra) })
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'form-error')).toHaveTextContent(words))
    expect(byId(container, 'form-error')).not.toHaveTextContent('server wording')
    expect(navigateTo).not.toHaveBeenCalled()
  })

  test('a verification failure says how many tries remain', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond({ status: 403, data: err('VERIFICATION_FAILED', 'x', { triesLeft: 2 }) })
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'form-error')).toHaveTextContent('还可尝试2次'))
    expect(byId(container, 'form-error').getAttribute('role')).toBe('alert')
  })

  test('a field error is tied to its input, and the label names and focuses it', async () => {
    const { user, container } = await setup()
    const phone = await field(container, 'phone')
    expect(phone.id).toBe('phone-input')
    expect(container.querySelector('#phone-label label')?.getAttribute('for')).toBe('phone-input')
    await user.type(phone, '12800005551')
    // Stencil re-renders the inner <input> on its own schedule
    await waitFor(() => expect(phone.getAttribute('aria-invalid')).toBe('true'))
    await waitFor(() => expect(phone.getAttribute('aria-describedby')).toBe('phone-error'))
    expect(byId(container, 'phone-error')).toHaveTextContent('请输入正确的11位手机号码')
  })

  test('CODE_INVALID marks the code field; typing a new code clears it', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond({ status: 400, data: err('CODE_INVALID') })
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'code-error')).toHaveTextContent('验证码不正确或已过期'))
    const code = await field(container, 'code')
    // the inputs are disabled while submitting; Stencil re-enables the inner <input> on its own schedule
    await waitFor(() => expect(code.disabled).toBe(false))
    await user.clear(code)
    await user.type(code, '654321')
    expect(byId(container, 'code-error')).toBeNull()
    expect(byId(container, 'form-error')).toBeNull()
  })

  test('INVALID_INPUT field messages from the API show beside their fields', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond({ status: 400, data: err('INVALID_INPUT', 'x', { fields: { idSuffix: '身份证号码后六位格式不正确' } }) })
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'idSuffix-error')).toHaveTextContent('身份证号码后六位格式不正确'))
  })

  test('a lost answer is not a failure: the page says the outcome is unknown and asks again with the same key', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    request.mockImplementationOnce(() => Promise.reject(new Error('request:fail timeout')))
    respond(ACCEPTED)
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'outcome-unknown')).toHaveTextContent('暂不确定是否已提交成功'))
    expect(byId(container, 'form-error')).toBeNull()
    await waitFor(() => expect(navigateTo).toHaveBeenCalled(), { timeout: 3000 })
    const [first, second] = request.mock.calls.map(c => c[0])
    expect(second.header['Idempotency-Key']).toBe(first.header['Idempotency-Key'])
    expect(second.data).toBe(first.data)
  })

  test('when no answer comes at all, 重新确认 asks again with the same key; the form stays filled', async () => {
    const { user, container } = await setup({ fakeTimers: true })
    await fillValid(user, container)
    request.mockImplementation(() => Promise.reject(new Error('request:fail')))
    await user.click(byId(container, 'submit'))
    for (let i = 0; i < 6; i++) await act(() => jest.advanceTimersByTimeAsync(16_000))
    await waitFor(() => expect(byId(container, 'check-again')).not.toBeNull())
    expect(byId(container, 'outcome-unknown')).toHaveTextContent('仍未能确认是否已提交')
    expect((await field(container, 'code')).value).toBe('123456')
    request.mockReset()
    respond(ACCEPTED)
    await user.click(byId(container, 'check-again'))
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    const keys = new Set((request.mock.calls as { header: Record<string, string> }[][]).map(c => c[0].header['Idempotency-Key']))
    expect(keys.size).toBe(1)
  })

  test('a new submit (changed code) gets a new key', async () => {
    const { user, container } = await setup()
    await fillValid(user, container)
    respond({ status: 401, data: err('CODE_INVALID') })
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(byId(container, 'form-error')).not.toBeNull())
    const code = await field(container, 'code')
    // the inputs are disabled while submitting; Stencil re-enables the inner <input> on its own schedule
    await waitFor(() => expect(code.disabled).toBe(false))
    await user.clear(code)
    await user.type(code, '654321')
    respond(ACCEPTED)
    await user.click(byId(container, 'submit'))
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    const [a, b] = request.mock.calls.map(c => c[0].header['Idempotency-Key'])
    expect(a).not.toBe(b)
  })

  test('the disabled submit says what is missing, at the control', async () => {
    const { user, container } = await setup()
    expect(byId(container, 'submit-hint')).toHaveTextContent('请先填写：手机号码、身份证后六位、验证码')
    await user.type(await field(container, 'phone'), '13800005551')
    await user.type(await field(container, 'idSuffix'), '12345x')
    await user.type(await field(container, 'code'), '123456')
    expect(byId(container, 'submit-hint')).toHaveTextContent('请先勾选上方的同意选项')
    expect(byId(container, 'submit').getAttribute('aria-describedby')).toBe('submit-hint')
  })
})

describe('navigation', () => {
  test('the guide and (in local builds) the simulated SMS page are linked', async () => {
    const { user, container } = await setup()
    await user.click(byId(container, 'guide-link'))
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/guide/index' })
    await user.type(await field(container, 'phone'), '13800005551')
    await user.click(byId(container, 'dev-sms-link'))
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/dev-sms/index?phone=13800005551' })
  })
})

describe('关怀模式', () => {
  test('the switch is remembered on the device and shows one field per step', async () => {
    const { user, container } = await setup()
    const sw = byId(container, 'care-switch')
    expect(sw.getAttribute('role')).toBe('switch')
    expect(sw.getAttribute('aria-checked')).toBe('false')
    await user.click(sw)
    expect(Taro.setStorageSync).toHaveBeenCalledWith('yzt.care', '1')
    expect(byId(container, 'care-switch').getAttribute('aria-checked')).toBe('true')
    expect(container.querySelector('.page')).toHaveClass('care')
    expect(byId(container, 'step-count')).toHaveTextContent('第1步，共3步')
    expect(byId(container, 'idSuffix')).toBeNull()
    await user.click(byId(container, 'next-step'))
    expect(byId(container, 'idSuffix')).toBeNull() // an empty number does not move on
    await user.type(await field(container, 'phone'), '13800005551')
    await user.click(byId(container, 'next-step'))
    await field(container, 'idSuffix')
    expect(byId(container, 'phone')).toBeNull()
    await user.type(await field(container, 'idSuffix'), '12345x')
    await user.click(byId(container, 'next-step'))
    await field(container, 'code')
    expect(byId(container, 'submit')).not.toBeNull()
  })

  test('starts on when stored, or when the host font is large', async () => {
    ;(Taro.getStorageSync as unknown as jest.Mock).mockImplementation((k: string) => (k === 'yzt.care' ? '1' : ''))
    const a = render(<QueryPage />)
    expect(a.container.querySelector('.page')).toHaveClass('care')
    a.unmount()
    ;(Taro.getStorageSync as unknown as jest.Mock).mockImplementation(() => '')
    ;(Taro.getSystemInfoSync as unknown as jest.Mock).mockImplementationOnce(() => ({ fontSizeSetting: 22 }))
    const b = render(<QueryPage />)
    expect(b.container.querySelector('.page')).toHaveClass('care')
    b.unmount()
    ;(Taro.getStorageSync as unknown as jest.Mock).mockReset()
  })
})
