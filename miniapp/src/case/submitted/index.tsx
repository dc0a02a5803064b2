// 已提交 (a resolution case): a WeUI msg page with the ticket (copyable), what happens next and the ways to
// follow the case. The access token stays where the case form put it (utils/myCases.ts): never on screen.
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { StatusIcon } from '../../components/StatusIcon'
import { appName } from '../../services/cases-contract'
import { useCareMode } from '../../utils/care'
import { copyText } from '../../utils/contact'
import { findCase } from '../../utils/myCases'
import { param } from '../../utils/params'
import { useEnterprises } from '../../utils/useEnterprises'
import '../../pages/submitted/index.scss'
import './index.scss'

export default function CaseSubmittedPage () {
  const { params } = useRouter()
  const caseId = param(params, 'caseId')
  const saved = caseId ? findCase(caseId) : undefined
  const ticket = saved?.ticket ?? param(params, 'ticket')
  const maskedPhone = saved?.maskedPhone ?? param(params, 'maskedPhone')
  // the device refused to keep the token: the progress cannot be shown here later, only by SMS
  const unsaved = !saved
  const [care] = useCareMode()
  const { enterprises } = useEnterprises()
  const apps = enterprises?.flatMap(e => e.apps.map(a => ({ ...a, enterprise: e.name }))) ?? []
  const chosen = saved ? apps.filter(a => saved.appIds.includes(a.id)) : []
  const enterpriseNames = [...new Set(chosen.map(a => a.enterprise))]

  return (
    <View className={`page submitted case-submitted msg ${care ? 'care' : ''}`}>
      <View className='msg-head' id='case-status' role='status' aria-live='polite'>
        <StatusIcon kind='success' />
        <Text className='msg-title' role='heading' aria-level={1}>异议申请已提交</Text>
        <Text className='msg-desc'>受理和处理结果将以短信通知{maskedPhone || '您'}。</Text>
      </View>

      <View className='ticket-row'>
        <View className='ticket-main'>
          <Text className='ticket-label'>工单号</Text>
          <Text className='ticket' id='case-ticket'>{ticket}</Text>
        </View>
        <View className='copy-btn' id='case-copy-ticket' role='button' tabIndex={0} aria-label='复制工单号'
          onClick={() => copyText(ticket, '工单号已复制')}><Text>复制</Text></View>
      </View>

      {unsaved
        ? (
          <View className='notice notice-warn' id='unsaved' role='alert'>
            <Text>本机未能保存该工单，无法在“我的工单”中查看进度。请记下工单号；处理结果仍会短信通知您，如有疑问可凭工单号致电企业客服。</Text>
          </View>)
        : null}

      <View className='actions'>
        {!unsaved
          ? <Button id='to-detail' className='btn-primary' role='button' tabIndex={0}
            onClick={() => Taro.redirectTo({ url: `/case/detail/index?caseId=${encodeURIComponent(caseId)}` })}>查看工单详情</Button>
          : null}
        <Button id='case-to-cases' className={unsaved ? 'btn-primary' : 'btn-default'} role='button' tabIndex={0}
          onClick={() => Taro.redirectTo({ url: '/case/list/index' })}>我的工单</Button>
        <Button id='case-back-home' className='btn-default' role='button' tabIndex={0}
          onClick={() => Taro.reLaunch({ url: '/pages/index/index' })}>返回首页</Button>
      </View>

      <View className='card next-steps' id='next-steps'>
        <Text className='card-title' role='heading' aria-level={2}>接下来</Text>
        <Text className='step'>1. 我们把申请转交{enterpriseNames.length ? `${enterpriseNames.join('、')}` : '所选企业'}{chosen.length ? `（涉及${chosen.map(a => appName(a.label)).join('、')}）` : ''}。</Text>
        <Text className='step'>2. 企业在24小时内受理，5个工作日内处理；是否解绑或注销由企业核验后决定。</Text>
        <Text className='step'>3. 企业如需您在其App内核验身份，工单详情会显示指引；逾期未处理时会显示企业客服电话。</Text>
        <Text className='step'>4. 每次进展都会短信通知您；一小时内的多项进展合并为一条短信。</Text>
        {!unsaved ? <Text className='step muted'>工单已保存在本机“我的工单”中。清除小程序数据后将无法在本机查看进度。</Text> : null}
      </View>
    </View>
  )
}
