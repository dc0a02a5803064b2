// 绑定提醒: on and off verified like a query, the separate consent for turning on (PRODUCT.md word for word),
// what the API answers shown in words; and the case form an alert opens, pre-filled with its app and NOT_MINE.
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import AlertsPage from '../src/pages/alerts/index'
import NewCasePage from '../src/case/new/index'
import { ALERT_CONSENT_TEXT, alertCaseLink } from '@yzt/functions/contract/alerts'
import { respond } from './mocks/taro'
import { enterprisesBody, err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const router = (Taro as unknown as { __router: { params: Record<string, string> } }).__router

async function field (container: HTMLElement, id: string) {
  return waitFor(() => {
    const el = container.querySelector<HTMLInputElement>(`#${id} input`)
    if (!el) throw new Error(`no input in #${id}`)
    return el
  })
}
const byId = (container: HTMLElement, id: string) => container.querySelector(`#${id}`) as HTMLElement
const disabled = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true'
const bodies = () => request.mock.calls.map(c => c[0]).filter(r => String(r.url).endsWith('/v1/binding-alerts')).map(r => JSON.parse(r.data))

async function setup () {
  const user = userEvent.setup()
  const view = render(<AlertsPage />)
  for (const id of ['alerts-phone', 'alerts-idSuffix', 'alerts-code']) await field(view.container, id)
  return { user, ...view }
}
async function fill (user: ReturnType<typeof userEvent.setup>, container: HTMLElement) {
  await user.type(await field(container, 'alerts-phone'), '13800005551')
  await user.type(await field(container, 'alerts-idSuffix'), '12345x')
  await user.type(await field(container, 'alerts-code'), '123456')
}

test('turning on needs the separate consent, word for word; the answer says where the confirmation went', async () => {
  const { user, container } = await setup()
  expect(screen.getByText(ALERT_CONSENT_TEXT)).toBeTruthy()
  await fill(user, container)
  const submit = byId(container, 'alerts-submit')
  expect(disabled(submit)).toBe(true)
  expect(byId(container, 'alerts-submit-hint')).toHaveTextContent('请先勾选上方的同意选项')
  await user.click(submit)
  expect(bodies()).toEqual([])

  await user.click(screen.getByText(ALERT_CONSENT_TEXT))
  expect(disabled(submit)).toBe(false)
  respond({ status: 200, data: { maskedPhone: '138****5551', alerts: 'ON' } })
  await user.click(submit)
  await waitFor(() => expect(byId(container, 'alerts-done')).toHaveTextContent('已为138****5551开通绑定提醒，确认短信已发送至该号码。'))
  expect(bodies()).toEqual([{ phone: '13800005551', idSuffix: '12345X', code: '123456', action: 'on', consent: true }])
  // nothing typed is kept but the number
  expect((await field(container, 'alerts-code')).value).toBe('')
})

test('turning off needs no consent; a wrong code is said at the code field', async () => {
  const { user, container } = await setup()
  await user.click(screen.getByText('关闭提醒'))
  expect(screen.queryByText(ALERT_CONSENT_TEXT)).toBeNull()
  await fill(user, container)
  respond({ status: 401, data: err('CODE_INVALID') })
  await user.click(byId(container, 'alerts-submit'))
  await waitFor(() => expect(byId(container, 'alerts-code-error')).toHaveTextContent('验证码不正确或已过期'))
  expect(bodies()).toEqual([{ phone: '13800005551', idSuffix: '12345X', code: '123456', action: 'off' }])
})

test('the alert\'s link opens the case form with its app chosen as 不是本人注册', async () => {
  const link = alertCaseLink('wechat')
  router.params = Object.fromEntries(new URLSearchParams(link.split('?')[1]))
  request.mockImplementation(() => Promise.resolve({ statusCode: 200, data: enterprisesBody, header: {} }))
  const view = render(<NewCasePage />)
  await waitFor(() => expect(byId(view.container, 'kind-wechat-NOT_MINE')).not.toBeNull())
  expect(byId(view.container, 'kind-wechat-NOT_MINE').getAttribute('aria-checked')).toBe('true')
  expect(view.container.querySelectorAll('[id^=kind-][aria-checked=true]')).toHaveLength(1)
})
