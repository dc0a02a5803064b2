import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import SubmittedPage, {
  POLL_INTERVAL_MS, POLL_LIMIT_MS, RECEIPT_LIMIT_MS, RECEIPT_POLL_MS, RECEIPT_POLL_SLOW_MS, RECEIPT_SLOW_AFTER_MS
} from '../src/pages/submitted/index'
import { fire } from './mocks/taro'
import { appLabels, enterprisesBody, err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const router = (Taro as unknown as { __router: { params: Record<string, string> } }).__router

const view = (status: string) => ({
  status: 200,
  data: { queryId: 'q-1', maskedPhone: '138****5551', status, acceptedAt: '2030-07-20T16:30:00Z', ...(status === 'SENT' ? { sentAt: '2030-07-20T16:30:02Z' } : {}) }
})
const calls = (suffix: string) => request.mock.calls.filter(c => String(c[0].url).endsWith(suffix)).length

// the page asks for the catalogue and the status at the same time: answer by URL, not by order
function api (statuses: string[], catalogue: { status: number, data: unknown } = { status: 200, data: enterprisesBody }) {
  const queue = [...statuses]
  request.mockImplementation(({ url }: { url: string }) => {
    if (url.endsWith('/v1/enterprises')) return Promise.resolve({ statusCode: catalogue.status, data: catalogue.data, header: {} })
    const s = queue.length > 1 ? queue.shift()! : queue[0]
    const r = s.startsWith('ERR:') ? { status: 503, data: err(s.slice(4)) } : view(s)
    return Promise.resolve({ statusCode: r.status, data: r.data, header: {} })
  })
}

beforeEach(() => {
  router.params = { queryId: 'q-1', maskedPhone: encodeURIComponent('138****5551') }
  jest.useFakeTimers({ doNotFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'queueMicrotask', 'nextTick', 'setImmediate'] })
})
afterEach(() => jest.useRealTimers())

const tick = async (ms: number) => act(async () => { jest.advanceTimersByTime(ms) })

test('says where the SMS goes, polls every 2 s until SENT, then waits for the receipt: every 5 s, after 30 s every 10 s, 2 minutes', async () => {
  api(['ACCEPTED', 'PROCESSING', 'SENT'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#sent-to')).toHaveTextContent('查询结果将以短信形式发送至尾号5551的手机'))
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('已受理'))
  expect(request.mock.calls.find(c => c[0].url.endsWith('/v1/queries/q-1'))).toBeTruthy()

  await tick(POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('正在查询'))
  await tick(POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送'))
  expect(calls('/v1/queries/q-1')).toBe(3)
  // SENT is not the end: the carrier's receipt comes later
  await tick(RECEIPT_POLL_MS - 1)
  expect(calls('/v1/queries/q-1')).toBe(3)
  await tick(1)
  expect(calls('/v1/queries/q-1')).toBe(4)
  for (let t = RECEIPT_POLL_MS; t < RECEIPT_SLOW_AFTER_MS; t += RECEIPT_POLL_MS) await tick(RECEIPT_POLL_MS)
  const fast = calls('/v1/queries/q-1')
  expect(fast).toBe(3 + RECEIPT_SLOW_AFTER_MS / RECEIPT_POLL_MS)
  await tick(RECEIPT_POLL_MS)
  expect(calls('/v1/queries/q-1')).toBe(fast)
  await tick(RECEIPT_POLL_SLOW_MS - RECEIPT_POLL_MS)
  expect(calls('/v1/queries/q-1')).toBe(fast + 1)
  // no receipt within 2 minutes (not every provider sends one): the page stays at SENT and stops asking
  for (let t = 0; t < RECEIPT_LIMIT_MS; t += RECEIPT_POLL_SLOW_MS) await tick(RECEIPT_POLL_SLOW_MS)
  const polls = calls('/v1/queries/q-1')
  expect(polls).toBe(3 + RECEIPT_SLOW_AFTER_MS / RECEIPT_POLL_MS + (RECEIPT_LIMIT_MS - RECEIPT_SLOW_AFTER_MS) / RECEIPT_POLL_SLOW_MS)
  await tick(RECEIPT_LIMIT_MS)
  expect(calls('/v1/queries/q-1')).toBe(polls)
  expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送')
  expect(container.querySelector('#poll-note')).toBeNull()
})

test('SENT → DELIVERED: 已送达 in the live region, then no more asking', async () => {
  api(['SENT', 'SENT', 'DELIVERED'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送'))
  await tick(RECEIPT_POLL_MS)
  expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送')
  await tick(RECEIPT_POLL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已送达'))
  expect(container.querySelector('#status')?.getAttribute('role')).toBe('status')
  expect(container.querySelector('#status')?.getAttribute('aria-live')).toBe('polite')
  expect(container.querySelector('#status #icon-success')).not.toBeNull()
  expect(container.querySelector('#to-case')).not.toBeNull()
  expect(calls('/v1/queries/q-1')).toBe(3)
  await tick(RECEIPT_LIMIT_MS)
  expect(calls('/v1/queries/q-1')).toBe(3)
})

test('SENT → UNDELIVERED: what to check, a new query first (with the daily limit), then no more asking', async () => {
  api(['SENT', 'UNDELIVERED'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送'))
  await tick(RECEIPT_POLL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信未能送达'))
  const status = container.querySelector('#status')
  expect(status).toHaveTextContent('请检查手机信号')
  expect(status).toHaveTextContent('短信是否被拦截')
  expect(status).toHaveTextContent('稍后返回首页重新查询')
  expect(status).toHaveTextContent('每个号码24小时内最多查询3次')
  expect(container.querySelector('#status #icon-warn')).not.toBeNull()
  expect(container.querySelector('.btn-primary')).toHaveTextContent('返回首页重新查询')
  expect(container.querySelector('#to-case')).toBeNull()
  await tick(RECEIPT_LIMIT_MS)
  expect(calls('/v1/queries/q-1')).toBe(2)
})

test('polling pauses while the page is hidden and goes on when it shows', async () => {
  api(['SENT', 'SENT', 'DELIVERED'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已发送'))
  act(() => fire('didHide'))
  await tick(RECEIPT_POLL_MS * 4)
  expect(calls('/v1/queries/q-1')).toBe(1)
  act(() => fire('didShow'))
  await waitFor(() => expect(calls('/v1/queries/q-1')).toBe(2))
  await tick(RECEIPT_POLL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('结果短信已送达'))
  expect(calls('/v1/queries/q-1')).toBe(3)
})

test('shows what the SMS will contain: every app in SMS order as "N个", and what 暂无法查询 means', async () => {
  api(['SENT'])
  const { container } = render(<SubmittedPage />)
  // folded by default: the page's action stays above the fold
  await waitFor(() => expect(container.querySelector('#sms-toggle')).not.toBeNull())
  expect(container.querySelector('#app-list')).toBeNull()
  expect(container.querySelector('#sms-toggle')?.getAttribute('aria-expanded')).toBe('false')
  fireEvent.click(container.querySelector('#sms-toggle') as HTMLElement)
  await waitFor(() => expect(container.querySelectorAll('#app-list .app-row')).toHaveLength(11))
  expect(container.querySelector('#sms-toggle')?.getAttribute('aria-expanded')).toBe('true')
  const rows = [...container.querySelectorAll('#app-list .app-row')].map(r => r.textContent)
  expect(rows).toEqual(appLabels.map(l => `${l}N个`))
  expect(container.querySelector('#unavailable-note')).toHaveTextContent('暂无法查询')
  expect(container.textContent).not.toMatch(/账号\d+个/)
})

test.each([
  ['DELIVERED', '结果短信已送达', 'success'],
  ['UNDELIVERED', '结果短信未能送达', 'warn']
])('%s (the provider\'s delivery receipt) ends polling and says so', async (status, title, icon) => {
  api(['PROCESSING', status])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('正在查询'))
  await tick(POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent(title))
  expect(container.querySelector(`#status #icon-${icon}`)).not.toBeNull()
  const polls = calls('/v1/queries/q-1')
  await tick(POLL_INTERVAL_MS * 3)
  expect(calls('/v1/queries/q-1')).toBe(polls)
})

test('FAILED ends polling with an explanation', async () => {
  api(['PROCESSING', 'FAILED'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('正在查询'))
  await tick(POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('查询未能完成'))
  const polls = calls('/v1/queries/q-1')
  await tick(POLL_INTERVAL_MS * 3)
  expect(calls('/v1/queries/q-1')).toBe(polls)
})

test('a transient error keeps polling; a long wait ends with a note that the SMS still comes', async () => {
  api(['ERR:UNAVAILABLE', 'PROCESSING'])
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#poll-note')).toHaveTextContent('正在重试'))
  await tick(POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('正在查询'))
  expect(container.querySelector('#poll-note')).toBeNull()
  await tick(POLL_LIMIT_MS + POLL_INTERVAL_MS)
  await waitFor(() => expect(container.querySelector('#poll-note')).toHaveTextContent('结果短信稍后送达'))
  const polls = calls('/v1/queries/q-1')
  await tick(POLL_INTERVAL_MS * 3)
  expect(calls('/v1/queries/q-1')).toBe(polls)
})

test('leads on to the guide and back home', async () => {
  api(['SENT'])
  jest.useRealTimers()
  const user = userEvent.setup()
  const { container } = render(<SubmittedPage />)
  await user.click(container.querySelector('#to-guide') as HTMLElement)
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/guide/index' })
  await user.click(container.querySelector('#back-home') as HTMLElement)
  expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' })
})

test('stops polling when the page is closed', async () => {
  api(['PROCESSING'])
  const { unmount } = render(<SubmittedPage />)
  await waitFor(() => expect(calls('/v1/queries/q-1')).toBe(1))
  unmount()
  await tick(POLL_INTERVAL_MS * 3)
  expect(calls('/v1/queries/q-1')).toBe(1)
})

test('a catalogue failure is shown with a retry', async () => {
  api(['SENT'], { status: 503, data: err('UNAVAILABLE') })
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#sms-toggle')).not.toBeNull())
  fireEvent.click(container.querySelector('#sms-toggle') as HTMLElement)
  await waitFor(() => expect(container.textContent).toContain('查询服务暂时不可用'))
  api(['SENT'])
  jest.useRealTimers()
  await userEvent.setup().click(screen.getByText(/点此重试/))
  await waitFor(() => expect(container.querySelectorAll('#app-list .app-row')).toHaveLength(11))
})

test('an unknown query says only that: no 已受理 beside it, no emoji, the way home first', async () => {
  api(['ERR:NOT_FOUND'])
  request.mockImplementation(({ url }: { url: string }) => Promise.resolve(url.endsWith('/v1/enterprises')
    ? { statusCode: 200, data: enterprisesBody, header: {} }
    : { statusCode: 404, data: err('NOT_FOUND'), header: {} }))
  const { container } = render(<SubmittedPage />)
  await waitFor(() => expect(container.querySelector('#status')).toHaveTextContent('未找到该查询记录'))
  expect(container.textContent).not.toMatch(/已受理|正在排队|正在查询/)
  expect(container.textContent).not.toMatch(/\p{Extended_Pictographic}/u)
  expect(container.querySelector('#icon-warn')?.getAttribute('role')).toBe('img')
  expect(container.querySelector('.btn-primary')).toHaveTextContent('返回首页重新查询')
})
