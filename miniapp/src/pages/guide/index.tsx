import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useCareMode } from '../../utils/care'
import { call, MODE } from '../../utils/contact'
import { useEnterprises } from '../../utils/useEnterprises'
import { enterpriseMatches, groupByLetter } from '../../utils/catalogueSearch'
import { SearchBox } from '../../components/SearchBox'
import './index.scss'

// The enterprises (fetched, never bundled: hundreds of apps stay out of the main package), searchable by
// name or pinyin initials, grouped A–Z with an index; each opens its own page with the steps, hotline and link.
export default function GuidePage () {
  const { enterprises, error, reload: load } = useEnterprises()
  const [care] = useCareMode()
  const [search, setSearch] = useState('')
  const found = enterprises?.filter(e => enterpriseMatches(e, search)) ?? []
  const groups = groupByLetter(found)
  const appCount = found.reduce((n, e) => n + e.apps.length, 0)
  const jump = (letter: string) => { void Taro.pageScrollTo({ selector: `#group-${letter === '#' ? 'other' : letter}`, duration: 0 }) }

  return (
    <View className={`page guide ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>解绑与明细查询</Text>
        <Text className='hero-sub'>
          账号明细只能在各企业的App内查看；解绑或注销需通过该企业自己的身份核验，本服务无法代为办理。请选择企业查看办法。
        </Text>
      </View>

      {error
        ? (
          <View className='notice notice-warn' id='guide-error' role='alert'>
            <Text>{error}</Text>
            <Button className='btn-default' role='button' tabIndex={0} onClick={load}>重试</Button>
          </View>)
        : null}
      {!enterprises && !error ? <Text className='section-title' id='guide-loading' role='status'>正在加载…</Text> : null}

      <View className='links case-links'>
        <View className='link-row' id='guide-case-link' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/case/new/index' })}>
          <View className='case-link-main'>
            <Text className='case-link-title'>异议账号处理</Text>
            <Text className='case-link-sub'>不是本人注册或不再使用的账号，一次申请转交各企业处理</Text>
          </View>
          <Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        <View className='link-row' id='guide-my-cases' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/case/list/index' })}>
          <Text>我的工单</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
      </View>

      {enterprises
        ? (
          <SearchBox id='guide-search' label='搜索' placeholder='企业或应用名称，或拼音首字母，如 tb' value={search} onInput={setSearch}
            resultText={search ? `找到${found.length}家企业、${appCount}个应用` : `共${found.length}家企业、${appCount}个应用`} />)
        : null}
      {enterprises && !found.length ? <Text className='guide-empty' id='guide-empty'>没有找到“{search}”，请换个名称或拼音首字母试试。</Text> : null}

      {enterprises && found.length
        ? (
          <View className='guide-body'>
            <View className='links enterprise-list'>
              {groups.map(g => (
                <View key={g.letter} className='group' id={`group-${g.letter === '#' ? 'other' : g.letter}`}>
                  <Text className='group-letter' role='heading' aria-level={2}>{g.letter}</Text>
                  {g.enterprises.map(e => (
                    <View className='link-row enterprise' key={e.id} id={`enterprise-${e.id}`} role='link' tabIndex={0}
                      onClick={() => Taro.navigateTo({ url: `/pages/enterprise/index?id=${encodeURIComponent(e.id)}` })}>
                      <View className='enterprise-main'>
                        <View className='enterprise-head'>
                          <Text className='enterprise-name'>{e.name}</Text>
                          <Text className={`mode mode-${e.accountMode}`}>{MODE[e.accountMode].name}</Text>
                        </View>
                        <View className='apps'>{e.apps.map(a => <Text className='app-tag' key={a.id}>{a.label}</Text>)}</View>
                      </View>
                      <Text className='chevron' aria-hidden='true'>›</Text>
                    </View>
                  ))}
                </View>
              ))}
            </View>
            {groups.length > 1
              ? (
                <View className='az-index' id='az-index' role='navigation' aria-label='按首字母跳转'>
                  {groups.map(g => (
                    <View className='az-letter' key={g.letter} id={`az-${g.letter === '#' ? 'other' : g.letter}`} role='link' tabIndex={0}
                      aria-label={`跳到${g.letter === '#' ? '其他' : g.letter}`} onClick={() => jump(g.letter)}><Text>{g.letter}</Text></View>
                  ))}
                </View>)
              : null}
          </View>)
        : null}

      {enterprises
        ? (
          <View className='card cancelled' id='cancelled'>
            <Text className='card-title' role='heading' aria-level={2}>号码已经注销？</Text>
            <Text className='step'>
              已注销的号码无法接收验证码，不能通过本服务查询。号码可能被重新分配给他人，请尽快致电各企业客服，核验身份后解绑或注销仍绑定该号码的账号：
            </Text>
            {enterprises.map(e => (
              <View className='contact-row hotline' key={e.id} role='link' tabIndex={0} aria-label={`拨打${e.name}客服电话${e.guide.hotline}`}
                onClick={() => call(e.guide.hotline)}>
                <Text className='contact-label'>{e.name}</Text>
                <Text className='link contact-value'>{e.guide.hotline}</Text>
              </View>
            ))}
          </View>)
        : null}

      <View className='card' id='reissued'>
        <Text className='card-title' role='heading' aria-level={2}>二次号：号码曾属于别人？</Text>
        <Text className='step'>
          运营商会把注销满90天的号码重新放号（二次号）。放号前，各企业会收到该号码已注销的通知并清理绑定；如果您的号码是二次号，结果短信会多一句“其中N个账号注册于您启用该号码之前”，这些账号可能属于号码的前任使用者，不是您注册的。请按上方各企业的指引，核验身份后解绑，或致电客服说明号码已易主。
        </Text>
      </View>
    </View>
  )
}
