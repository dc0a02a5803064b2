import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useCareMode } from '../../utils/care'
import { call, copy, MODE } from '../../utils/contact'
import { param } from '../../utils/params'
import { useEnterprises } from '../../utils/useEnterprises'
import '../guide/index.scss'

// One enterprise: how to see details, how to unbind or cancel, its hotline (tap to call) and link (copied).
export default function EnterprisePage () {
  const id = param(useRouter().params, 'id')
  const { enterprises, error, reload } = useEnterprises()
  const [care] = useCareMode()
  const e = enterprises?.find(x => x.id === id)

  return (
    <View className={`page enterprise-page ${care ? 'care' : ''}`}>
      {error
        ? (
          <View className='notice notice-warn' id='enterprise-error' role='alert'>
            <Text>{error}</Text>
            <Button className='btn-default' role='button' tabIndex={0} onClick={reload}>重试</Button>
          </View>)
        : null}
      {!enterprises && !error ? <Text className='section-title' role='status'>正在加载…</Text> : null}
      {enterprises && !e ? <View className='notice notice-warn' role='alert'><Text>未找到该企业，请返回列表重新选择。</Text></View> : null}
      {e
        ? (
          <View>
            <View className='hero'>
              <Text className='hero-title' role='heading' aria-level={1} id='enterprise-title'>{e.name}</Text>
              <Text className='hero-sub'>{MODE[e.accountMode].name}：{MODE[e.accountMode].explain}</Text>
              <View className='apps'>{e.apps.map(a => <Text className='app-tag' key={a.id}>{a.label}</Text>)}</View>
            </View>
            {e.guide.notes ? <View className='notice notice-info'><Text>{e.guide.notes}</Text></View> : null}
            <View className='card'>
              <Text className='sub-title' role='heading' aria-level={2}>查看明细</Text>
              {e.guide.details.map((d, i) => <Text className='step' key={i}>{i + 1}. {d}</Text>)}
              <Text className='sub-title' role='heading' aria-level={2}>解绑或注销</Text>
              {e.guide.unbind.map((d, i) => <Text className='step' key={i}>{i + 1}. {d}</Text>)}
            </View>
            <View className='card contact'>
              <View className='contact-row hotline' id='hotline' role='link' tabIndex={0} aria-label={`拨打客服电话${e.guide.hotline}`}
                onClick={() => call(e.guide.hotline)}>
                <Text className='contact-label'>客服电话</Text>
                <Text className='link contact-value'>{e.guide.hotline}</Text>
              </View>
              <View className='contact-row url'>
                <Text className='contact-label'>官方网站</Text>
                <Text className='contact-value' id='enterprise-url'>{e.guide.url}</Text>
                <View className='copy-btn' id='copy-url' role='button' tabIndex={0} aria-label='复制官方网站链接'
                  onClick={() => copy(e.guide.url)}><Text>复制</Text></View>
              </View>
            </View>
          </View>)
        : null}
    </View>
  )
}
