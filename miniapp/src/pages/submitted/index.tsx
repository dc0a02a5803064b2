import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { FINAL_QUERY_STATUSES, LIMIT_NOTES, type QueryStatus } from '@yzt/functions/contract'
import { StatusIcon, type StatusKind } from '../../components/StatusIcon'
import { asApiError, getQuery } from '../../services/api'
import { useCareMode } from '../../utils/care'
import { describeError } from '../../utils/messages'
import { param } from '../../utils/params'
import { useEnterprises } from '../../utils/useEnterprises'
import './index.scss'

export const POLL_INTERVAL_MS = 2000
/** After this long the page stops asking; the SMS still arrives, the page says so. */
export const POLL_LIMIT_MS = 3 * 60 * 1000
/**
 * After SENT the page waits for the carrier's receipt (DELIVERED or UNDELIVERED): it asks every 5 s, after
 * 30 s every 10 s, and stops 2 minutes after SENT (not every provider sends receipts: SENT then stays).
 */
export const RECEIPT_POLL_MS = 5000
export const RECEIPT_POLL_SLOW_MS = 10_000
export const RECEIPT_SLOW_AFTER_MS = 30_000
export const RECEIPT_LIMIT_MS = 2 * 60 * 1000
/** the API's limit per number (the contract's PUBLIC_LIMITS.queryDaily), said where a new query is the way on */
const QUERIES_PER_DAY_NOTE = LIMIT_NOTES.queriesPerDay

/** What the page knows: a status from the API, or that the query does not exist (never both). */
type Shown = QueryStatus | 'NOT_FOUND'

const TEXT: Record<Shown, { icon: StatusKind, title: string, detail: string }> = {
  ACCEPTED: { icon: 'waiting', title: '已受理，正在查询', detail: '正在向各企业查询该号码绑定的账号，通常在1分钟内完成。' },
  PROCESSING: { icon: 'waiting', title: '已受理，正在查询', detail: '正在向各企业查询该号码绑定的账号，通常在1分钟内完成。' },
  SENT: { icon: 'success', title: '结果短信已发送', detail: '请查看手机短信。短信来自“一证通查”，请勿将短信内容告诉他人。' },
  DELIVERED: { icon: 'success', title: '结果短信已送达', detail: '运营商已确认送达，请查看手机短信。短信来自“一证通查”，请勿将短信内容告诉他人。' },
  UNDELIVERED: {
    icon: 'warn',
    title: '结果短信未能送达',
    detail: `运营商报告结果短信未能送达该号码。请检查手机信号、是否关机或停机，以及短信是否被拦截（骚扰拦截、黑名单），稍后返回首页重新查询。${QUERIES_PER_DAY_NOTE}`
  },
  FAILED: { icon: 'warn', title: '查询未能完成', detail: '本次查询未能完成，未发送结果短信。请返回首页重新查询。' },
  NOT_FOUND: { icon: 'warn', title: '未找到该查询记录', detail: '查询记录可能已过期。如需查询，请返回首页重新提交。' }
}

const lastFour = (masked: string) => masked.replace(/\D/g, '').slice(-4)

// A WeUI msg page: icon, one sentence, the primary action; what the SMS will list is folded away.
export default function SubmittedPage () {
  const { params } = useRouter()
  const queryId = param(params, 'queryId')
  const [maskedPhone, setMaskedPhone] = useState(param(params, 'maskedPhone'))
  const [shown, setShown] = useState<Shown>(queryId ? 'ACCEPTED' : 'NOT_FOUND')
  const [pollNote, setPollNote] = useState('')
  const [open, setOpen] = useState(false)
  const [care] = useCareMode()
  const { enterprises, error: catalogueError, reload: loadCatalogue } = useEnterprises()

  // polling pauses while the page is hidden (another page on top, the app in the background) and goes on when it shows
  const [visible, setVisible] = useState(true)
  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))
  /** across pauses: when polling began, when SENT was first seen, whether it is over */
  const progress = useRef({ started: 0, sentAt: 0, done: false })

  useEffect(() => {
    const p = progress.current
    if (!queryId || !visible || p.done) return undefined
    if (!p.started) p.started = Date.now()
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    /** the next ask while waiting for the receipt, or the end of the wait */
    const awaitReceipt = () => {
      const since = Date.now() - p.sentAt
      if (since >= RECEIPT_LIMIT_MS) { p.done = true; return }
      timer = setTimeout(poll, since < RECEIPT_SLOW_AFTER_MS ? RECEIPT_POLL_MS : RECEIPT_POLL_SLOW_MS)
    }
    const poll = async () => {
      try {
        const view = await getQuery(queryId)
        if (stopped) return
        setShown(view.status)
        setMaskedPhone(view.maskedPhone)
        setPollNote('')
        if (FINAL_QUERY_STATUSES.includes(view.status)) { p.done = true; return }
        if (view.status === 'SENT') {
          if (!p.sentAt) p.sentAt = Date.now()
          awaitReceipt()
          return
        }
      } catch (err) {
        if (stopped) return
        const e = asApiError(err)
        // An unknown query will not appear later: stop asking, and say only that.
        if (e.code === 'NOT_FOUND') { setShown('NOT_FOUND'); setPollNote(''); p.done = true; return }
        // the SMS is out: a failed ask for its receipt is not worth a word
        if (p.sentAt) { awaitReceipt(); return }
        setPollNote(`暂时无法获取进度（${describeError(e)}），正在重试。`)
      }
      if (Date.now() - p.started >= POLL_LIMIT_MS) {
        setPollNote('查询仍在处理中，结果短信稍后送达，您可以离开本页。')
        p.done = true
        return
      }
      timer = setTimeout(poll, POLL_INTERVAL_MS)
    }
    void poll()
    return () => { stopped = true; if (timer) clearTimeout(timer) }
  }, [queryId, visible])

  const t = TEXT[shown]
  const found = shown !== 'NOT_FOUND'
  // no result SMS reached the number: a new query is the way on (and nothing to dispute yet)
  const retry = shown === 'FAILED' || shown === 'NOT_FOUND' || shown === 'UNDELIVERED'
  const toGuide = () => Taro.navigateTo({ url: '/pages/guide/index' })
  const home = () => Taro.reLaunch({ url: '/pages/index/index' })
  return (
    <View className={`page submitted msg ${care ? 'care' : ''}`}>
      <View className='msg-head' id='status' role='status' aria-live='polite'>
        <StatusIcon kind={t.icon} />
        <Text className='msg-title' role='heading' aria-level={1}>{t.title}</Text>
        {found && maskedPhone
          ? <Text className='msg-desc' id='sent-to'>查询结果将以短信形式发送至尾号{lastFour(maskedPhone)}的手机（{maskedPhone}），不在页面显示。</Text>
          : null}
        <Text className='msg-desc'>{t.detail}</Text>
        {pollNote ? <Text className='msg-desc' id='poll-note'>{pollNote}</Text> : null}
      </View>

      <View className='actions'>
        {retry
          ? <Button id='back-home' className='btn-primary' role='button' tabIndex={0} onClick={home}>返回首页重新查询</Button>
          : <Button id='to-guide' className='btn-primary' role='button' tabIndex={0} onClick={toGuide}>解绑与明细查询</Button>}
        {retry
          ? <Button id='to-guide' className='btn-default' role='button' tabIndex={0} onClick={toGuide}>解绑与明细查询</Button>
          : (
            <Button id='to-case' className='btn-default' role='button' tabIndex={0} aria-describedby='to-case-hint'
              onClick={() => Taro.navigateTo({ url: `/case/new/index?queryId=${encodeURIComponent(queryId)}` })}>异议账号处理</Button>)}
        {retry ? null : <Text className='submit-hint' id='to-case-hint'>短信中有不是您注册或不再使用的账号？可申请转交企业处理。</Text>}
        {retry
          ? null
          : <Button id='to-details' className='btn-default' role='button' tabIndex={0} aria-describedby='to-details-hint'
            onClick={() => Taro.navigateTo({ url: '/pages/details/index' })}>查看明细</Button>}
        {retry ? null : <Text className='submit-hint' id='to-details-hint'>短信里是结果码而不是每个应用的数量？输入号码和结果码查看明细。</Text>}
        {retry ? null : <Button id='back-home' className='btn-default' role='button' tabIndex={0} onClick={home}>返回首页</Button>}
      </View>

      {found
        ? (
          <View className='fold'>
            <View className='fold-head' id='sms-toggle' role='button' tabIndex={0} aria-expanded={open ? 'true' : 'false'}
              aria-controls='sms-preview' onClick={() => setOpen(!open)}>
              <Text>短信将包含的内容</Text><Text className='chevron' aria-hidden='true'>{open ? '收起' : '展开'}</Text>
            </View>
            {open
              ? (
                <View className='fold-body' id='sms-preview'>
                  <Text className='step'>截至查询当日，该号码在以下平台注册的账号数量，按此顺序：</Text>
                  {enterprises
                    ? (
                      <View className='app-list' id='app-list' role='list'>
                        {enterprises.flatMap(e => e.apps).map(a => (
                          <View className='app-row' key={a.id} role='listitem'>
                            <Text className='app-label'>{a.label}</Text>
                            <Text className='app-count'>N个</Text>
                          </View>
                        ))}
                      </View>)
                    : catalogueError
                      ? <View className='muted' role='button' tabIndex={0} onClick={loadCatalogue}><Text>{catalogueError}（点此重试）</Text></View>
                      : <Text className='muted'>正在加载…</Text>}
                  <Text className='step muted'>N 为账号数量，只含数量、不含账号名称。</Text>
                  <Text className='step muted' id='unavailable-note'>
                    如某企业未能及时答复，短信中该项显示为“暂无法查询”（例如“钉钉账号暂无法查询”）。这不代表没有账号，可稍后重新查询。
                  </Text>
                </View>)
              : null}
          </View>)
        : null}
    </View>
  )
}
