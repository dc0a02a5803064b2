import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { FINAL_QUERY_STATUSES, type QueryStatus } from '@yzt/functions/contract'
import { asApiError, getQuery } from '../../services/api'
import { describeError } from '../../utils/messages'
import { param } from '../../utils/params'
import { useEnterprises } from '../../utils/useEnterprises'
import './index.scss'

export const POLL_INTERVAL_MS = 2000
/** After this long the page stops asking; the SMS still arrives, the page says so. */
export const POLL_LIMIT_MS = 3 * 60 * 1000

const STATUS_TEXT: Record<QueryStatus, { title: string, detail: string }> = {
  ACCEPTED: { title: '已受理', detail: '正在排队，即将向各企业查询。' },
  PROCESSING: { title: '正在查询', detail: '正在向各企业查询该号码绑定的账号，通常在1分钟内完成。' },
  SENT: { title: '结果短信已发送', detail: '请查看手机短信。短信来自“一证通查”，请勿将短信内容告诉他人。' },
  DELIVERED: { title: '结果短信已送达', detail: '运营商已确认送达，请查看手机短信。短信来自“一证通查”，请勿将短信内容告诉他人。' },
  UNDELIVERED: { title: '结果短信未能送达', detail: '运营商报告短信未送达（如手机关机、停机或拦截）。请确认手机能正常接收短信后，返回首页重新查询。' },
  FAILED: { title: '查询未能完成', detail: '本次查询未能完成，未发送结果短信。请稍后返回首页重新查询。' }
}

const lastFour = (masked: string) => masked.replace(/\D/g, '').slice(-4)

export default function SubmittedPage () {
  const { params } = useRouter()
  const queryId = param(params, 'queryId')
  const [maskedPhone, setMaskedPhone] = useState(param(params, 'maskedPhone'))
  const [status, setStatus] = useState<QueryStatus>('ACCEPTED')
  const [pollNote, setPollNote] = useState('')
  const { enterprises, error: catalogueError, reload: loadCatalogue } = useEnterprises()

  useEffect(() => {
    if (!queryId) return undefined
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const started = Date.now()
    const poll = async () => {
      try {
        const view = await getQuery(queryId)
        if (stopped) return
        setStatus(view.status)
        setMaskedPhone(view.maskedPhone)
        setPollNote('')
        // SENT ends the wait too: not every provider sends delivery receipts (SNS does not)
        if (view.status === 'SENT' || FINAL_QUERY_STATUSES.includes(view.status)) return
      } catch (err) {
        if (stopped) return
        const e = asApiError(err)
        // An unknown query will not appear later: stop asking. Anything else may be transient.
        if (e.code === 'NOT_FOUND') { setPollNote(describeError(e)); return }
        setPollNote(`暂时无法获取进度（${describeError(e)}），正在重试。`)
      }
      if (Date.now() - started >= POLL_LIMIT_MS) {
        setPollNote('查询仍在处理中，结果短信稍后送达，您可以离开本页。')
        return
      }
      timer = setTimeout(poll, POLL_INTERVAL_MS)
    }
    void poll()
    return () => { stopped = true; if (timer) clearTimeout(timer) }
  }, [queryId])

  const s = STATUS_TEXT[status]
  const done = status === 'SENT' || FINAL_QUERY_STATUSES.includes(status)
  return (
    <View className='page submitted'>
      <View className='hero'>
        <Text className='hero-title' id='sent-to'>查询结果将以短信形式发送至尾号{lastFour(maskedPhone)}的手机</Text>
        <Text className='hero-sub'>为保护您的信息，结果不在页面显示。号码：{maskedPhone}</Text>
      </View>

      <View className={`notice ${status === 'SENT' || status === 'DELIVERED' ? 'notice-ok' : status === 'FAILED' || status === 'UNDELIVERED' ? 'notice-warn' : 'notice-info'}`} id='status'>
        <Text className='status-title'>{done ? '' : '⏳ '}{s.title}</Text>
        <Text className='status-detail'>{s.detail}</Text>
        {pollNote ? <Text className='status-detail' id='poll-note'>{pollNote}</Text> : null}
      </View>

      <Text className='section-title'>短信将包含的内容</Text>
      <View className='card sms-preview'>
        <Text className='step'>截至查询当日，该号码在以下平台注册的账号数量，按此顺序：</Text>
        {enterprises
          ? (
            <View className='app-list' id='app-list'>
              {enterprises.flatMap(e => e.apps).map(a => (
                <View className='app-row' key={a.id}>
                  <Text className='app-label'>{a.label}</Text>
                  <Text className='app-count'>N个</Text>
                </View>
              ))}
            </View>)
          : catalogueError
            ? <View className='muted' onClick={loadCatalogue}><Text>{catalogueError}（点此重试）</Text></View>
            : <Text className='muted'>正在加载…</Text>}
        <Text className='step muted'>N 为账号数量，只含数量、不含账号名称。</Text>
        <Text className='step muted' id='unavailable-note'>
          如某企业未能及时答复，短信中该项显示为“暂无法查询”（例如“钉钉账号暂无法查询”）。这不代表没有账号，可稍后重新查询。
        </Text>
      </View>

      <View className='card'>
        <Text className='step'>如查询结果与您掌握的情况不一致，请进入解绑与明细查询。</Text>
        <Button id='to-guide' className='btn-primary guide-btn' type='primary'
          onClick={() => Taro.navigateTo({ url: '/pages/guide/index' })}>解绑与明细查询</Button>
      </View>

      <View className='actions'>
        <Button id='back-home' className='btn-default' onClick={() => Taro.reLaunch({ url: '/pages/index/index' })}>返回首页</Button>
      </View>
    </View>
  )
}
