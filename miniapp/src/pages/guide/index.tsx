import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { AccountMode } from '@yzt/functions/contract'
import { useEnterprises } from '../../utils/useEnterprises'
import './index.scss'

const MODE: Record<AccountMode, { name: string, explain: string }> = {
  independent: { name: '独立账号', explain: '各App的账号相互独立，需在每个App中分别查看和处理。' },
  unified: { name: '统一账号', explain: '一个平台账号可登录该平台的各个App，处理一次即对全平台生效。' }
}

const call = (hotline: string) => { void Taro.makePhoneCall({ phoneNumber: hotline }).catch(() => undefined) }

// Mini-program hosts do not open arbitrary web pages, so the link is copied for the browser instead.
const copy = (url: string) => {
  Taro.setClipboardData({ data: url })
    .then(() => Taro.showToast({ title: '链接已复制，请在浏览器中打开', icon: 'none' }))
    .catch(() => undefined)
}

export default function GuidePage () {
  const { enterprises, error, reload: load } = useEnterprises()

  return (
    <View className='page guide'>
      <View className='hero'>
        <Text className='hero-title'>解绑与明细查询</Text>
        <Text className='hero-sub'>
          账号明细只能在各企业的App内查看；解绑或注销需通过该企业自己的身份核验，本服务无法代为办理。请按下列方法逐个处理。
        </Text>
      </View>

      <View className='notice notice-info' id='to-cancelled'
        onClick={() => { void Taro.pageScrollTo({ selector: '#cancelled', duration: 300 }).catch(() => undefined) }}>
        <Text>号码已经注销？点此查看各企业客服电话 ›</Text>
      </View>

      {error
        ? (
          <View className='notice notice-warn' id='guide-error'>
            <Text>{error}</Text>
            <Button className='btn-default' onClick={load}>重试</Button>
          </View>)
        : null}
      {!enterprises && !error ? <Text className='section-title' id='guide-loading'>正在加载…</Text> : null}

      {enterprises?.map(e => (
        <View className='card enterprise' key={e.id} id={`enterprise-${e.id}`}>
          <View className='enterprise-head'>
            <Text className='card-title enterprise-name'>{e.name}</Text>
            <Text className={`mode mode-${e.accountMode}`}>{MODE[e.accountMode].name}</Text>
          </View>
          <View className='apps'>
            {e.apps.map(a => <Text className='app-tag' key={a.id}>{a.label}</Text>)}
          </View>
          <Text className='step muted'>{MODE[e.accountMode].explain}</Text>
          {e.guide.notes ? <Text className='step muted'>{e.guide.notes}</Text> : null}

          <Text className='sub-title'>查看明细</Text>
          {e.guide.details.map((d, i) => <Text className='step' key={i}>{i + 1}. {d}</Text>)}

          <Text className='sub-title'>解绑或注销</Text>
          {e.guide.unbind.map((d, i) => <Text className='step' key={i}>{i + 1}. {d}</Text>)}

          <View className='contact'>
            <View className='contact-row hotline' onClick={() => call(e.guide.hotline)}>
              <Text className='contact-label'>客服电话</Text>
              <Text className='link contact-value'>{e.guide.hotline}</Text>
            </View>
            <View className='contact-row url' onClick={() => copy(e.guide.url)}>
              <Text className='contact-label'>官方网站</Text>
              <Text className='link contact-value'>{e.guide.url}</Text>
              <Text className='copy-hint'>复制</Text>
            </View>
          </View>
        </View>
      ))}

      {enterprises
        ? (
          <View className='card cancelled' id='cancelled'>
            <Text className='card-title'>号码已经注销？</Text>
            <Text className='step'>
              已注销的号码无法接收验证码，不能通过本服务查询。号码注销后可能被运营商重新分配给他人，请尽快致电各企业客服，按要求核验身份后解绑或注销仍绑定该号码的账号：
            </Text>
            {enterprises.map(e => (
              <View className='contact-row hotline' key={e.id} onClick={() => call(e.guide.hotline)}>
                <Text className='contact-label'>{e.name}</Text>
                <Text className='link contact-value'>{e.guide.hotline}</Text>
              </View>
            ))}
          </View>)
        : null}
    </View>
  )
}
