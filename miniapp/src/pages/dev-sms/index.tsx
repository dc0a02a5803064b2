// Local runtime only: stands in for the phone, so a developer in a simulator can read the code and
// the result. app.config.ts leaves this page out of production builds.
import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { Field } from '../../components/Field'
import { useRouter } from '@tarojs/taro'
import type { DevSmsResponse } from '@yzt/functions/contract'
import { asApiError, devSms } from '../../services/api'
import { formatChinaTime } from '../../utils/chinaTime'
import { describeError } from '../../utils/messages'
import { param } from '../../utils/params'
import { check } from '../../utils/validate'
import './index.scss'

export const REFRESH_MS = 3000

type Message = DevSmsResponse['messages'][number]

export default function DevSmsPage () {
  const { params } = useRouter()
  const [phone, setPhone] = useState(param(params, 'phone'))
  const [messages, setMessages] = useState<Message[] | null>(null)
  const [error, setError] = useState('')
  const [refreshes, setRefreshes] = useState(0)
  const valid = check('phone', phone)

  useEffect(() => {
    if (valid.error) { setMessages(null); return undefined }
    let stopped = false
    const load = () => devSms(valid.value)
      .then(r => { if (!stopped) { setMessages(r.messages); setError('') } })
      .catch(err => { if (!stopped) setError(describeError(asApiError(err))) })
    void load()
    const timer = setInterval(load, REFRESH_MS)
    return () => { stopped = true; clearInterval(timer) }
  }, [valid.value, valid.error, refreshes])

  return (
    <View className='page dev-sms'>
      <View className='notice notice-info'>
        <Text>本页只存在于本地开发版本，显示本地运行环境“发送”到该号码的短信，每3秒刷新。</Text>
      </View>
      <View className='cells'>
        <Field id='dev-phone' label='手机号码' h5Type='tel' miniType='number' inputMode='numeric' autoComplete='off' maxlength={11}
          placeholder='要查看短信的号码' value={phone} onInput={setPhone} onBlur={() => undefined} />
      </View>
      {error ? <View className='notice notice-warn'><Text>{error}</Text></View> : null}
      {messages && messages.length === 0 ? <Text className='section-title'>暂无短信</Text> : null}
      {messages?.map((m, i) => (
        <View className='card sms' key={`${m.createdAt}-${i}`}>
          <View className='sms-meta'>
            <Text>{m.to}</Text>
            <Text>{formatChinaTime(m.createdAt)} · {m.status}</Text>
          </View>
          <Text className='sms-text' userSelect>{m.text}</Text>
        </View>
      ))}
      <View className='actions'>
        <Button className='btn-default' role='button' tabIndex={0} onClick={() => setRefreshes(n => n + 1)}>刷新</Button>
      </View>
    </View>
  )
}
