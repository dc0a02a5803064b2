import { render, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import Taro from '@tarojs/taro'
import EnterprisePage from '../src/pages/enterprise/index'
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

test('lists every enterprise with its apps and account mode; a tap opens its own page', async () => {
  const { user, container } = await loaded()
  expect(Taro.request).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://api.test/v1/enterprises', method: 'GET' }))
  expect(enterprises).toHaveLength(8)
  expect(container.querySelectorAll('.enterprise .app-tag')).toHaveLength(11)
  for (const e of enterprises) {
    const row = container.querySelector(`#enterprise-${e.id}`) as HTMLElement
    expect(row.getAttribute('role')).toBe('link')
    const inRow = within(row)
    expect(inRow.getByText(e.name)).toBeInTheDocument()
    for (const a of e.apps) expect(inRow.getByText(a.label)).toBeInTheDocument()
    expect(inRow.getByText(e.accountMode === 'unified' ? '统一账号' : '独立账号')).toBeInTheDocument()
    // the steps live on the enterprise's page, not repeated in the list
    expect(row.textContent).not.toContain(e.guide.details[0])
  }
  await user.click(container.querySelector('#enterprise-tencent') as HTMLElement)
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/enterprise/index?id=tencent' })
})

test('an enterprise page shows its steps; tapping the hotline dials it, 复制 copies the link and says so', async () => {
  const user = userEvent.setup()
  const tencent = enterprises.find(e => e.id === 'tencent')!
  ;(Taro as unknown as { __router: { params: Record<string, string> } }).__router.params = { id: 'tencent' }
  respond({ status: 200, data: enterprisesBody })
  const { container } = render(<EnterprisePage />)
  await waitFor(() => expect(container.querySelector('#enterprise-title')).toHaveTextContent(tencent.name))
  expect(container.textContent).toContain(tencent.guide.details[0])
  expect(container.textContent).toContain(tencent.guide.unbind[tencent.guide.unbind.length - 1])
  if (tencent.guide.notes) expect(container.textContent).toContain(tencent.guide.notes)
  await user.click(container.querySelector('#hotline') as HTMLElement)
  expect(Taro.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: tencent.guide.hotline })
  await user.click(container.querySelector('#copy-url') as HTMLElement)
  expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: tencent.guide.url })
  await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('链接已复制') })))
})

test('a section for cancelled numbers lists every hotline', async () => {
  const { user, container } = await loaded()
  const section = container.querySelector('#cancelled') as HTMLElement
  expect(section).toHaveTextContent('已注销的号码')
  const rows = section.querySelectorAll('.hotline')
  expect([...rows].map(r => r.textContent)).toEqual(enterprises.map(e => `${e.name}${e.guide.hotline}`))
  await user.click(rows[3] as HTMLElement)
  expect(Taro.makePhoneCall).toHaveBeenLastCalledWith({ phoneNumber: enterprises[3].guide.hotline })
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
