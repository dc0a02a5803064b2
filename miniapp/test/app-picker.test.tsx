// The case form's app picker at national scale: any of 200 apps, found by name, enterprise or pinyin
// initials; a chosen app stays listed (with what the page asks about it) whatever is searched next.
import { useState } from 'react'
import { render, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Text } from '@tarojs/components'
import { AppPicker, type PickableApp } from '../src/components/AppPicker'
import { enterprisesBody } from './fixtures'

const demo: PickableApp[] = enterprisesBody.enterprises.flatMap(e => e.apps.map(a => ({ ...a, enterpriseId: e.id, enterpriseName: e.name })))
const more: PickableApp[] = Array.from({ length: 189 }, (_, i) => ({
  id: `g${i}`, label: `应用${i}账号`, initials: `yy${i}`, enterpriseId: `e${Math.floor(i / 4)}`, enterpriseName: `企业${Math.floor(i / 4)}`
}))
const APPS = [...demo, ...more]

function Harness () {
  const [chosen, setChosen] = useState<Record<string, boolean>>({})
  return (
    <AppPicker apps={APPS} disabled={false} isChosen={id => Boolean(chosen[id])} hasError={() => false}
      onToggle={(id, on) => setChosen(c => ({ ...c, [id]: on }))}>
      {a => chosen[a.id] ? <Text className='detail' id={`detail-${a.id}`}>已选</Text> : null}
    </AppPicker>
  )
}
const listed = (container: HTMLElement) => [...container.querySelectorAll('.app-choice')].map(e => e.id.replace('app-', ''))

test('any of 200 apps: search by label, enterprise or initials; chosen apps stay listed', async () => {
  expect(APPS).toHaveLength(200)
  const user = userEvent.setup()
  const { container } = render(<Harness />)
  expect(listed(container)).toHaveLength(200)
  expect(container.querySelector('#case-app-search-count')).toHaveTextContent('共200个应用')
  const search = await waitFor(() => {
    const el = container.querySelector<HTMLInputElement>('#case-app-search input')
    if (!el) throw new Error('no search input')
    return el
  })
  await user.type(search, 'tb')
  expect(listed(container)).toEqual(['taobao'])
  // Stencil renders the checkbox's <input> after React mounts the row: a tap before that does nothing
  await waitFor(() => expect(container.querySelector('#app-taobao input[type=checkbox]')).not.toBeNull())
  await user.click(container.querySelector('#app-taobao-label .choice-name') as HTMLElement)
  await waitFor(() => expect(container.querySelector('#detail-taobao')).not.toBeNull())
  await user.clear(search)
  await user.type(search, '应用188')
  // the chosen one stays, in SMS order, beside what matches
  expect(listed(container)).toEqual(['taobao', 'g188'])
  expect(container.querySelector('#case-app-search-count')).toHaveTextContent('找到1个应用')
  await user.clear(search)
  await user.type(search, '腾讯')
  expect(listed(container)).toEqual(['taobao', 'qq', 'wechat'])
  await user.clear(search)
  await user.type(search, 'zzz')
  expect(listed(container)).toEqual(['taobao'])
  expect(container.querySelector('#case-app-none')).toHaveTextContent('没有找到')
})
