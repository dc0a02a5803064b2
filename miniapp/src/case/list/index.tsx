// 我的工单: the cases opened on this device, newest first, from local storage only (the API has no list:
// a case is reachable only with its token, and the token lives here).
import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { appName } from '../../services/cases-contract'
import { useCareMode } from '../../utils/care'
import { formatChinaDay } from '../../utils/chinaTime'
import { loadCases, type SavedCase } from '../../utils/myCases'
import { useEnterprises } from '../../utils/useEnterprises'
import './index.scss'

export default function MyCasesPage () {
  const [cases, setCases] = useState<SavedCase[]>(() => loadCases())
  // back from a detail page that removed a case, or from a new one
  useDidShow(() => setCases(loadCases()))
  const [care] = useCareMode()
  const { enterprises } = useEnterprises()
  const labels = new Map(enterprises?.flatMap(e => e.apps).map(a => [a.id, appName(a.label)]) ?? [])
  const open = (c: SavedCase) => Taro.navigateTo({ url: `/case/detail/index?caseId=${encodeURIComponent(c.caseId)}` })

  return (
    <View className={`page my-cases ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>我的工单</Text>
        <Text className='hero-sub'>本机提交的异议申请。工单只保存在本机，清除小程序数据后无法在此查看，处理结果仍会短信通知。</Text>
      </View>
      {cases.length === 0
        ? <View className='notice notice-info' id='cases-empty'><Text>本机还没有异议工单。</Text></View>
        : (
          <View className='links case-list' id='case-list' role='list'>
            {cases.map(c => (
              <View key={c.caseId} role='listitem' className='case-item-row'>
                <View className='link-row case-row' id={`case-${c.ticket}`} role='link' tabIndex={0} onClick={() => open(c)}>
                  <View className='case-main'>
                    <Text className='case-ticket'>{c.ticket}</Text>
                    <Text className='case-meta'>{c.maskedPhone} · {formatChinaDay(c.createdAt)}提交</Text>
                    <Text className='case-apps'>{c.appIds.map(id => labels.get(id) ?? id).join('、')}</Text>
                  </View>
                  <Text className='chevron' aria-hidden='true'>›</Text>
                </View>
              </View>
            ))}
          </View>)}
      <View className='actions'>
        <Button id='new-case' className='btn-primary' role='button' tabIndex={0}
          onClick={() => Taro.navigateTo({ url: '/case/new/index' })}>新的异议申请</Button>
      </View>
    </View>
  )
}
