// 工单详情: GET /v1/cases/{id} with the token kept on this device. Per app: its status, a timeline with
// times, the deadlines, the enterprise's instructions and link when it needs the person (copied: a
// mini-program cannot open any web page), its message when it refused, its hotline when late or refused.
import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { StatusIcon } from '../../components/StatusIcon'
import { asApiError } from '../../services/api'
import { getCase } from '../../services/cases'
import {
  appName, CASE_KIND_LABELS, FINAL_ITEM_STATUSES, type CaseItemView, type CaseView, type ItemStatus, type ResolveAction
} from '../../services/cases-contract'
import { useCareMode } from '../../utils/care'
import { call, copy, copyText } from '../../utils/contact'
import { formatChinaTime } from '../../utils/chinaTime'
import { describeError } from '../../utils/messages'
import { findCase, openMyCases, removeCase, updateCase } from '../../utils/myCases'
import { param } from '../../utils/params'
import { useEnterprises } from '../../utils/useEnterprises'
import '../../pages/submitted/index.scss'
import './index.scss'

/** while an item is still SUBMITTED (our own forward, seconds) the page asks again by itself, for a while */
export const AUTO_REFRESH_MS = 3000
export const AUTO_REFRESH_LIMIT_MS = 60_000

export const STATUS_TEXT: Record<ItemStatus, string> = {
  SUBMITTED: '已提交，正在转交',
  FORWARDED: '已转交企业，等待受理',
  ACKNOWLEDGED: '企业已受理，正在处理',
  NEEDS_USER_ACTION: '需要您在App内核验身份',
  RESOLVED: '已处理',
  REJECTED: '企业未能处理',
  OVERDUE: '企业逾期未处理'
}
const TONE: Record<ItemStatus, 'waiting' | 'action' | 'ok' | 'warn'> = {
  SUBMITTED: 'waiting', FORWARDED: 'waiting', ACKNOWLEDGED: 'waiting', NEEDS_USER_ACTION: 'action', RESOLVED: 'ok', REJECTED: 'warn', OVERDUE: 'warn'
}
export const ACTION_TEXT: Record<ResolveAction, string> = {
  UNBOUND: '已解绑该号码',
  CANCELLED: '已注销账号',
  NONE_FOUND: '未发现该号码注册的账号'
}

/** what happened to one item, oldest first */
export function timeline (item: CaseItemView): { at: string, text: string }[] {
  const answered = item.status === 'RESOLVED'
    ? `企业已处理：${item.action ? ACTION_TEXT[item.action] : '已处理'}`
    : item.status === 'NEEDS_USER_ACTION' ? '企业要求您在其App内核验身份'
      : item.status === 'REJECTED' ? '企业未能处理' : '企业答复'
  const steps: { at?: string, text: string }[] = [
    { at: item.submittedAt, text: '提交申请' },
    { at: item.forwardedAt, text: '已转交企业' },
    { at: item.acknowledgedAt, text: '企业已受理' },
    { at: item.answeredAt, text: answered },
    { at: item.overdueAt, text: '企业未在期限内处理' }
  ]
  return steps.filter((s): s is { at: string, text: string } => Boolean(s.at)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
}

/**
 * The deadlines that still matter: to acknowledge (until acknowledged) and to resolve, while the enterprise
 * owes an answer; the one that passed when the item is overdue. None once answered for good, nor while
 * the enterprise waits for the person (NEEDS_USER_ACTION).
 */
export function deadlines (item: CaseItemView): string[] {
  const at = (iso: string) => formatChinaTime(iso, { seconds: false })
  if (item.status === 'OVERDUE') {
    return [item.acknowledgedAt ? `处理期限：${at(item.resolveBy)}前（已逾期）` : `受理期限：${at(item.acknowledgeBy)}前（已逾期）`]
  }
  if (FINAL_ITEM_STATUSES.includes(item.status) || item.status === 'NEEDS_USER_ACTION') return []
  return [
    ...(item.acknowledgedAt ? [] : [`受理期限：${at(item.acknowledgeBy)}前`]),
    `处理期限：${at(item.resolveBy)}前`
  ]
}

export default function CaseDetailPage () {
  const caseId = param(useRouter().params, 'caseId')
  const [saved] = useState(() => findCase(caseId))
  const [view, setView] = useState<CaseView | null>(null)
  const [error, setError] = useState('')
  const [gone, setGone] = useState(false)
  const [loading, setLoading] = useState(false)
  const [updated, setUpdated] = useState('')
  const [care] = useCareMode()
  const { enterprises } = useEnterprises()
  const opened = useRef(Date.now())
  const apps = new Map(enterprises?.flatMap(e => e.apps.map(a => [a.id, { name: appName(a.label), enterprise: e.name }])) ?? [])

  const load = useCallback(async () => {
    if (!saved) return
    setLoading(true)
    try {
      const v = await getCase(saved.caseId, saved.accessToken)
      setView(v)
      // 我的工单 then dates the case by the API's clock, not this device's
      updateCase(saved.caseId, { createdAt: v.createdAt, maskedPhone: v.maskedPhone })
      setError('')
      setUpdated(`已刷新（${formatChinaTime(new Date().toISOString()).split(' ')[1]}）`)
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'NOT_FOUND') { setGone(true); setView(null); setError('') } else setError(describeError(e))
    } finally {
      setLoading(false)
    }
  }, [saved])

  useEffect(() => { void load() }, [load])
  usePullDownRefresh(() => { void load().finally(() => { void Taro.stopPullDownRefresh() }) })

  const forwarding = view?.items.some(i => i.status === 'SUBMITTED') ?? false
  useEffect(() => {
    if (!forwarding || Date.now() - opened.current > AUTO_REFRESH_LIMIT_MS) return undefined
    const timer = setTimeout(() => { void load() }, AUTO_REFRESH_MS)
    return () => clearTimeout(timer)
  }, [forwarding, view, load])

  const ticket = view?.ticket ?? saved?.ticket ?? ''
  const forget = () => {
    removeCase(caseId)
    openMyCases()
  }

  if (!saved) {
    return (
      <View className={`page case-detail msg ${care ? 'care' : ''}`}>
        <View className='msg-head' id='detail-status' role='alert'>
          <StatusIcon kind='warn' />
          <Text className='msg-title' role='heading' aria-level={1}>本机没有该工单</Text>
          <Text className='msg-desc'>工单只能在提交它的手机上查看。处理结果会短信通知您，也可凭短信中的工单号致电企业客服。</Text>
        </View>
        <View className='actions'>
          <Button id='detail-to-cases' className='btn-primary' role='button' tabIndex={0}
            onClick={openMyCases}>我的工单</Button>
        </View>
      </View>
    )
  }

  if (gone) {
    return (
      <View className={`page case-detail msg ${care ? 'care' : ''}`}>
        <View className='msg-head' id='detail-status' role='alert'>
          <StatusIcon kind='warn' />
          <Text className='msg-title' role='heading' aria-level={1}>该工单已无法查看</Text>
          <Text className='msg-desc' id='gone'>工单{ticket}已不存在：工单在最后一次更新180天后删除，或本机保存的凭证已失效。处理结果以短信为准。</Text>
        </View>
        <View className='actions'>
          <Button id='forget' className='btn-primary' role='button' tabIndex={0} onClick={forget}>从我的工单中移除</Button>
          <Button id='detail-to-cases' className='btn-default' role='button' tabIndex={0}
            onClick={openMyCases}>我的工单</Button>
        </View>
      </View>
    )
  }

  return (
    <View className={`page case-detail ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>工单详情</Text>
        <View className='ticket-line'>
          <Text className='ticket' id='detail-ticket'>工单号 {ticket}</Text>
          <View className='copy-btn' id='detail-copy-ticket' role='button' tabIndex={0} aria-label='复制工单号'
            onClick={() => copyText(ticket, '工单号已复制')}><Text>复制</Text></View>
        </View>
        <Text className='hero-sub'>
          {view?.maskedPhone ?? saved.maskedPhone}{view ? ` · ${formatChinaTime(view.createdAt, { seconds: false })}提交` : ''}
        </Text>
      </View>

      {error
        ? (
          <View className='notice notice-warn' id='detail-error' role='alert'>
            <Text>暂时无法获取进度：{error}</Text>
          </View>)
        : null}
      {!view && !error ? <Text className='section-title' role='status'>正在加载…</Text> : null}

      {view?.items.map(item => {
        const app = apps.get(item.appId)
        const steps = timeline(item)
        return (
          <View key={item.itemId} className='card case-item' id={`item-${item.appId}`} role='group' aria-labelledby={`item-${item.appId}-name`}>
            <View className='item-head'>
              <Text className='item-name' id={`item-${item.appId}-name`} role='heading' aria-level={2}>{app?.name ?? item.appId}</Text>
              <Text className={`item-status tone-${TONE[item.status]}`} id={`item-${item.appId}-status`}>{STATUS_TEXT[item.status]}</Text>
            </View>
            <Text className='item-meta'>{app ? `${app.enterprise} · ` : ''}{CASE_KIND_LABELS[item.kind]}</Text>

            {item.status === 'RESOLVED' && item.action
              ? <View className='notice notice-ok item-note' id={`result-${item.appId}`}><Text>处理结果：{ACTION_TEXT[item.action]}。</Text></View>
              : null}
            {item.status === 'NEEDS_USER_ACTION'
              ? (
                <View className='notice notice-info item-note instructions' id={`instructions-${item.appId}`}>
                  <Text className='notice-line'>{item.instructions ?? '企业需要您在其App内完成身份核验后继续处理。'}</Text>
                  {item.link
                    ? (
                      <View className='link-line'>
                        <Text className='link-text' id={`link-${item.appId}`}>{item.link}</Text>
                        <View className='copy-btn' id={`copy-link-${item.appId}`} role='button' tabIndex={0} aria-label={`复制链接（${app?.name ?? ''}核验链接）`}
                          onClick={() => copy(item.link as string)}><Text>复制链接</Text></View>
                      </View>)
                    : null}
                  <Text className='notice-line muted'>小程序内无法直接打开外部链接，请复制后在浏览器或该App中打开。</Text>
                </View>)
              : null}
            {item.status === 'REJECTED' && item.message
              ? <View className='notice notice-warn item-note' id={`message-${item.appId}`}><Text>企业说明：{item.message}</Text></View>
              : null}
            {item.hotline && (item.status === 'OVERDUE' || item.status === 'REJECTED')
              ? (
                <View className='hotline-box'>
                  <View className='contact-row hotline' id={`call-${item.appId}`} role='link' tabIndex={0} onClick={() => call(item.hotline as string)}>
                    <Text className='contact-label'>拨打{app?.enterprise ?? ''}客服电话</Text>
                    <Text className='link contact-value'>{item.hotline}</Text>
                  </View>
                  <Text className='call-hint'>{item.status === 'OVERDUE' ? '企业未在期限内处理，请致电客服并提供工单号。' : '如有疑问，请致电客服并提供工单号。'}</Text>
                </View>)
              : null}

            <View className='timeline' role='list' aria-label={`${app?.name ?? item.appId}进展`}>
              {steps.map((s, i) => (
                <View key={`${s.text}-${s.at}`} className={`timeline-step ${i === steps.length - 1 ? 'is-last' : ''}`} role='listitem'>
                  <View className='dot' aria-hidden='true' />
                  <Text className='timeline-time'>{formatChinaTime(s.at, { seconds: false })}</Text>
                  <Text className='timeline-text'>{s.text}</Text>
                </View>
              ))}
            </View>
            {deadlines(item).length
              ? (
                <View className='deadlines' id={`deadlines-${item.appId}`}>
                  {deadlines(item).map(d => <Text className='deadline' key={d}>{d}</Text>)}
                </View>)
              : null}
          </View>
        )
      })}

      <View className='live' role='status' aria-live='polite' id='detail-live'>
        {loading ? <Text className='sr-only'>正在刷新</Text> : updated ? <Text className='updated'>{updated}</Text> : null}
      </View>
      <View className='actions'>
        <Button id='refresh' className='btn-default' role='button' tabIndex={0} onClick={() => { void load() }}>
          {loading ? '正在刷新…' : '刷新进度'}
        </Button>
        <Button id='detail-to-cases' className='btn-default' role='button' tabIndex={0}
          onClick={openMyCases}>我的工单</Button>
      </View>
    </View>
  )
}
