import { render, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import GuidePage from '../src/pages/guide/index'
import { respond } from './mocks/taro'
import { enterprisesBody, err } from './fixtures'

const { enterprises } = enterprisesBody

async function loaded () {
  const user = userEvent.setup()
  respond({ status: 200, data: enterprisesBody })
  const view = render(<GuidePage />)
  await waitFor(() => expect(view.container.querySelectorAll('.enterprise')).toHaveLength(enterprises.length))
  return { user, ...view }
}

test('renders the catalogue from the API: every enterprise, its apps and its account mode in words', async () => {
  const { container } = await loaded()
  expect(Taro.request).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://api.test/v1/enterprises', method: 'GET' }))
  expect(enterprises).toHaveLength(8)
  expect(container.querySelectorAll('.enterprise .app-tag')).toHaveLength(11)
  for (const e of enterprises) {
    const card = container.querySelector(`#enterprise-${e.id}`) as HTMLElement
    const inCard = within(card)
    expect(inCard.getByText(e.name)).toBeInTheDocument()
    for (const a of e.apps) expect(inCard.getByText(a.label)).toBeInTheDocument()
    expect(inCard.getByText(e.accountMode === 'unified' ? '统一账号' : '独立账号')).toBeInTheDocument()
    expect(card.textContent).toContain(e.guide.details[0])
    expect(card.textContent).toContain(e.guide.unbind[e.guide.unbind.length - 1])
    if (e.guide.notes) expect(card.textContent).toContain(e.guide.notes)
  }
})

test('tapping a hotline dials it; tapping a link copies it and says so', async () => {
  const { user, container } = await loaded()
  const tencent = enterprises.find(e => e.id === 'tencent')!
  const card = container.querySelector('#enterprise-tencent') as HTMLElement
  await user.click(card.querySelector('.hotline') as HTMLElement)
  expect(Taro.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: tencent.guide.hotline })
  await user.click(card.querySelector('.url') as HTMLElement)
  expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: tencent.guide.url })
  await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('链接已复制') })))
})

test('a section for cancelled numbers lists every hotline, reachable from the top', async () => {
  const { user, container } = await loaded()
  const section = container.querySelector('#cancelled') as HTMLElement
  expect(section).toHaveTextContent('已注销的号码')
  const rows = section.querySelectorAll('.hotline')
  expect([...rows].map(r => r.textContent)).toEqual(enterprises.map(e => `${e.name}${e.guide.hotline}`))
  await user.click(rows[3] as HTMLElement)
  expect(Taro.makePhoneCall).toHaveBeenLastCalledWith({ phoneNumber: enterprises[3].guide.hotline })
  await user.click(container.querySelector('#to-cancelled') as HTMLElement)
  expect(Taro.pageScrollTo).toHaveBeenCalledWith(expect.objectContaining({ selector: '#cancelled' }))
})

test('a failed load says why and retries on request', async () => {
  const user = userEvent.setup()
  respond({ status: 503, data: err('UNAVAILABLE') })
  const { container, getByText } = render(<GuidePage />)
  await waitFor(() => expect(container.querySelector('#guide-error')).toHaveTextContent('查询服务暂时不可用'))
  respond({ status: 200, data: enterprisesBody })
  await user.click(getByText('重试'))
  await waitFor(() => expect(container.querySelectorAll('.enterprise')).toHaveLength(8))
  expect(container.querySelector('#guide-error')).toBeNull()
})
