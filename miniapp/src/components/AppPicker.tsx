// The case form's app list at national scale: hundreds of apps, found by name or pinyin initials as typed
// (utils/catalogueSearch), each with a checkbox; what a chosen app asks for (kind, note, its error) is the
// page's, rendered below it. Chosen apps stay listed whatever the search, so nothing chosen is hidden.
import { useState, type ReactNode } from 'react'
import { Checkbox, CheckboxGroup, Label, Text, View } from '@tarojs/components'
import type { App } from '@yzt/functions/contract'
import { appMatches, normaliseSearch } from '../utils/catalogueSearch'
import { SearchBox } from './SearchBox'

export interface PickableApp extends App {
  enterpriseId: string
  enterpriseName: string
}

export function AppPicker ({ apps, isChosen, hasError, disabled, onToggle, children }: {
  apps: readonly PickableApp[]
  isChosen: (appId: string) => boolean
  hasError: (appId: string) => boolean
  disabled: boolean
  onToggle: (appId: string, on: boolean) => void
  /** below each app: what the page asks about a chosen one */
  children: (app: PickableApp) => ReactNode
}) {
  const [search, setSearch] = useState('')
  const q = normaliseSearch(search)
  const shown = apps.filter(a => isChosen(a.id) || appMatches(a, q) || normaliseSearch(a.enterpriseName).includes(q))
  const matching = shown.filter(a => !q || appMatches(a, q) || normaliseSearch(a.enterpriseName).includes(q)).length
  return (
    <View>
      <SearchBox id='case-app-search' label='搜索' placeholder='应用或企业名称，或拼音首字母' value={search} onInput={setSearch}
        resultText={q ? `找到${matching}个应用` : `共${apps.length}个应用`} />
      <View className='cells app-choices' id='apps' role='group' aria-labelledby='apps-title'>
        {shown.map(a => {
          const c = isChosen(a.id)
          return (
            <View key={a.id} className={`app-choice ${c ? 'is-chosen' : ''} ${hasError(a.id) ? 'cell-warn' : ''}`} id={`app-${a.id}`}>
              <CheckboxGroup onChange={e => onToggle(a.id, e.detail.value.includes(a.id))}>
                <Label className='choice-label' id={`app-${a.id}-label`}>
                  <Checkbox className='consent-box' value={a.id} checked={c} disabled={disabled} />
                  <Text className='choice-name'>{a.label}</Text>
                  <Text className='choice-enterprise'>{a.enterpriseName}</Text>
                </Label>
              </CheckboxGroup>
              {children(a)}
            </View>
          )
        })}
        {q && !matching ? <Text className='guide-empty' id='case-app-none'>没有找到“{search}”，请换个名称或拼音首字母试试。</Text> : null}
      </View>
    </View>
  )
}
