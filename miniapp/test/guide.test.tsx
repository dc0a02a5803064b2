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

describe('at national scale: 200 apps, a search field and an A–Z index on the guide page', () => {
  // the 8 enterprises and 52 more of 3–4 apps each, with pinyin initials as the catalogue carries them
  const letters = 'abcdefghjklmnpqrstwxyz'
  const more = Array.from({ length: 52 }, (_, i) => ({
    id: `e${i}`, name: `企业${i}`, initials: `${letters[i % letters.length]}qy${i}`, accountMode: 'independent' as const,
    apps: Array.from({ length: i < 33 ? 4 : 3 }, (_, a) => ({ id: `e${i}a${a}`, label: `应用${i}${'甲乙丙丁'[a]}账号`, initials: `yy${i}${'jybd'[a]}` })),
    guide: { details: ['x'], unbind: ['y'], hotline: '10000', url: 'https://example.com' }
  }))
  const big = { enterprises: [...enterprises, ...more] }
  const total = big.enterprises.reduce((n, e) => n + e.apps.length, 0)

  async function bigGuide () {
    const user = userEvent.setup()
    respond({ status: 200, data: big })
    const view = render(<GuidePage />)
    await waitFor(() => expect(view.container.querySelectorAll('.enterprise')).toHaveLength(60))
    const search = await waitFor(() => {
      const el = view.container.querySelector<HTMLInputElement>('#guide-search input')
      if (!el) throw new Error('no search input')
      return el
    })
    return { user, search, ...view }
  }
  const shown = (container: HTMLElement) => [...container.querySelectorAll('.enterprise')].map(e => e.id.replace('enterprise-', ''))

  test('all 200 apps are listed, fetched (GET /v1/enterprises), grouped under their letters', async () => {
    expect(total).toBe(200)
    const { container } = await bigGuide()
    expect(container.querySelectorAll('.enterprise .app-tag')).toHaveLength(200)
    expect(container.querySelector('#guide-search-count')).toHaveTextContent('共60家企业、200个应用')
    const heads = [...container.querySelectorAll('.group-letter')].map(h => h.textContent)
    expect(heads).toEqual([...heads].sort())
    // 阿里巴巴 (albb) sits under A, 腾讯 (tx) under T
    expect(container.querySelector('#group-A #enterprise-alibaba')).not.toBeNull()
    expect(container.querySelector('#group-T #enterprise-tencent')).not.toBeNull()
  })

  test('search by name, by an app\'s label, or by pinyin initials; none found says so', async () => {
    const { user, search, container } = await bigGuide()
    await user.type(search, '淘宝')
    expect(shown(container)).toEqual(['alibaba'])
    await user.clear(search)
    await user.type(search, 'TB')
    expect(shown(container)).toEqual(['alibaba'])
    await user.clear(search)
    await user.type(search, 'wx')
    expect(shown(container)).toEqual(['tencent'])
    await user.clear(search)
    await user.type(search, '企业17')
    expect(shown(container)).toEqual(['e17'])
    expect(container.querySelector('#guide-search-count')).toHaveTextContent('找到1家企业、4个应用')
    await user.clear(search)
    await user.type(search, '不存在的应用')
    expect(shown(container)).toEqual([])
    expect(container.querySelector('#guide-empty')).toHaveTextContent('没有找到')
    await user.click(container.querySelector('#guide-search-clear') as HTMLElement)
    expect(shown(container)).toHaveLength(60)
  })

  test('the A–Z index jumps to its letter; a tap on an enterprise opens its own page', async () => {
    const { user, container } = await bigGuide()
    const index = [...container.querySelectorAll('#az-index .az-letter')].map(l => l.textContent)
    expect(index).toContain('A')
    expect(index).toContain('T')
    await user.click(container.querySelector('#az-T') as HTMLElement)
    expect(Taro.pageScrollTo).toHaveBeenCalledWith({ selector: '#group-T', duration: 0 })
    await user.click(container.querySelector('#enterprise-e17') as HTMLElement)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/enterprise/index?id=e17' })
  })
})
