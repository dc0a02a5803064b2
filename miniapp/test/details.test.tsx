// 查看明细: only the number and the result code are asked; the answer lists each app by its SMS label
// with its count (淘宝账号 1个) or 暂无法查询; a wrong code is said at the field, a rate limit with its wait.
import { render, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import DetailsPage, { resultCodeError } from '../src/pages/details/index'
import { respond } from './mocks/taro'
import { err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const ANSWER = {
  maskedPhone: '138****5551',
  apps: [
    { appId: 'xianyu', label: '闲鱼账号', count: 1 },
    { appId: 'taobao', label: '淘宝账号', count: 0 },
    { appId: 'gen1a0', label: '应用1甲账号', count: null }
  ]
}

async function typeInto (container: HTMLElement, id: string, text: string) {
  const user = userEvent.setup()
  const input = await waitFor(() => {
    const el = container.querySelector<HTMLInputElement>(`#${id} input`)
    if (!el) throw new Error(`no input in #${id}`)
    return el
  })
  await user.type(input, text)
  return user
}

test('asks for the number and the result code only, then lists each app with its count or 暂无法查询', async () => {
  const { container } = render(<DetailsPage />)
  await typeInto(container, 'details-phone', '13800005551')
  // Taro renders its inputs later: count them once there
  expect(container.querySelectorAll('input')).toHaveLength(2)
  expect(container.textContent).not.toContain('身份证')
  const user = await typeInto(container, 'details-code', 'abcd 2345')
  respond({ status: 200, data: ANSWER })
  await user.click(container.querySelector('#details-submit') as HTMLElement)
  await waitFor(() => expect(container.querySelector('#details-list')).not.toBeNull())
  expect(request).toHaveBeenCalledWith(expect.objectContaining({
    url: 'https://api.test/v1/query-details', method: 'POST', data: JSON.stringify({ phone: '13800005551', resultCode: 'ABCD2345' })
  }))
  // no idempotency key: a read starts nothing
  expect(request.mock.calls[0][0].header['Idempotency-Key']).toBeUndefined()
  const rows = [...container.querySelectorAll('.result-row')].map(r => r.textContent)
  expect(rows).toEqual(['闲鱼账号1个', '淘宝账号0个', '应用1甲账号暂无法查询'])
  expect(container.querySelector('#details-title')).toHaveTextContent('138****5551')
  expect(container.querySelector('#details-summary')).toHaveTextContent('共3个应用，1个注册了账号，1个暂无法查询')
  await user.click(container.querySelector('#details-to-guide') as HTMLElement)
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/guide/index' })
})

test('an incomplete form is not sent and says what is missing', async () => {
  const { container } = render(<DetailsPage />)
  const user = await typeInto(container, 'details-phone', '1380000')
  await user.click(container.querySelector('#details-submit') as HTMLElement)
  expect(request).not.toHaveBeenCalled()
  expect(container.querySelector('#details-submit-hint')).toHaveTextContent('手机号码、结果码')
  expect(resultCodeError('ABCD234O')).toBe('结果码为短信中的8位字母或数字')
  expect(resultCodeError('abcd2345')).toBe('')
})

test('a wrong or expired code is said at the code field; a rate limit with its wait', async () => {
  const { container } = render(<DetailsPage />)
  await typeInto(container, 'details-phone', '13800005551')
  const user = await typeInto(container, 'details-code', 'ABCD2345')
  respond({ status: 401, data: err('CODE_INVALID', '结果码不正确或已过期（24小时内有效），请核对短信中的结果码。') })
  await user.click(container.querySelector('#details-submit') as HTMLElement)
  await waitFor(() => expect(container.querySelector('#details-code-error')).toHaveTextContent('结果码不正确或已过期'))
  respond({ status: 429, data: err('RATE_LIMITED', '结果码错误次数过多，请1分钟后再试', { retryAfterSeconds: 60 }), header: { 'Retry-After': '60' } })
  await user.click(container.querySelector('#details-submit') as HTMLElement)
  await waitFor(() => expect(container.querySelector('#details-error')).not.toBeNull())
  expect(container.querySelector('#details-submit')!.getAttribute('aria-disabled')).toBe('true')
})
