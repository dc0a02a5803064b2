import { render, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import DevSmsPage from '../src/pages/dev-sms/index'

const request = Taro.request as unknown as jest.Mock
const router = (Taro as unknown as { __router: { params: Record<string, string> } }).__router

const inbox = (texts: string[]) => ({
  statusCode: 200,
  header: {},
  data: { messages: texts.map((text, i) => ({ to: '138****5551', text, createdAt: `2030-07-20T16:3${i}:00Z`, status: 'DELIVERED' })) }
})

test('shows the simulated SMS for the number it was opened with, in China time', async () => {
  router.params = { phone: '13800005551' }
  request.mockResolvedValue(inbox(['【一证通查】您的验证码为123456，5分钟内有效，请勿泄露。']))
  const { container } = render(<DevSmsPage />)
  await waitFor(() => expect(container.querySelector('.sms-text')).toHaveTextContent('验证码为123456'))
  expect(request.mock.calls[0][0].url).toBe('https://api.test/dev/sms?phone=13800005551')
  expect(container.querySelector('.sms-meta')).toHaveTextContent('7月21日 00:30:00')
})

test('asks for nothing until a valid number is typed, then loads and refreshes on request', async () => {
  const user = userEvent.setup()
  request.mockResolvedValue(inbox([]))
  const { container, getByText } = render(<DevSmsPage />)
  const input = await waitFor(() => {
    const el = container.querySelector<HTMLInputElement>('#dev-phone input')
    if (!el) throw new Error('not yet')
    return el
  })
  await user.type(input, '1390000777')
  expect(request).not.toHaveBeenCalled()
  await user.type(input, '7')
  await waitFor(() => expect(getByText('暂无短信')).toBeInTheDocument())
  expect(request.mock.calls[0][0].url).toBe('https://api.test/dev/sms?phone=13900007777')
  request.mockResolvedValue(inbox(['新短信']))
  await user.click(getByText('刷新'))
  await waitFor(() => expect(container.querySelector('.sms-text')).toHaveTextContent('新短信'))
})
