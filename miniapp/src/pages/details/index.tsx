import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { QueryDetailsResponse } from '@yzt/functions/contract/details'
import { normaliseResultCode, RESULT_CODE_PATTERN } from '@yzt/functions/contract/details'
import { normalisePhone } from '@yzt/functions/contract'
import { Field } from '../../components/Field'
import { SubmitActions } from '../../components/SubmitActions'
import { type ApiError, asApiError, queryDetails } from '../../services/api'
import { useCareMode } from '../../utils/care'
import { describeError } from '../../utils/messages'
import { useCountdown } from '../../utils/useCountdown'
import { check } from '../../utils/validate'
import '../guide/index.scss'
import './index.scss'

/** the same rule as the API: 8 characters of the ticket alphabet, typed any case, spaces allowed */
export function resultCodeError (input: string): string {
  if (!input) return '请输入短信中的8位结果码'
  return RESULT_CODE_PATTERN.test(normaliseResultCode(input)) ? '' : '结果码为短信中的8位字母或数字'
}

// 查看明细: the number and the result code of a result SMS (its summary form) → the count per app. Only these
// two: the code came by SMS to the number, so it already proves the holder. Nothing typed is stored.
export default function DetailsPage () {
  const [care] = useCareMode()
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [touched, setTouched] = useState({ phone: false, code: false })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [result, setResult] = useState<QueryDetailsResponse | null>(null)
  const [wait, startWait] = useCountdown()

  const phoneError = check('phone', phone).error
  const codeError = resultCodeError(code)
  const shown = {
    phone: (touched.phone || normalisePhone(phone).length >= 11) && phone !== '' ? phoneError : '',
    code: error?.code === 'CODE_INVALID' ? error.message : (touched.code || normaliseResultCode(code).length >= 8) && code !== '' ? codeError : ''
  }
  const valid = !phoneError && !codeError && wait === 0
  const missing = [phoneError ? '手机号码' : '', codeError ? '结果码' : ''].filter(Boolean)
  const hint = busy ? '' : missing.length ? `请先填写：${missing.join('、')}` : wait > 0 ? `请${wait}秒后再试` : ''

  const submit = async () => {
    if (busy) return
    if (!valid) { setTouched({ phone: true, code: true }); return }
    setBusy(true)
    setError(null)
    try {
      setResult(await queryDetails(phone, code))
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  if (result) {
    const unavailable = result.apps.filter(a => a.count === null).length
    const withAccounts = result.apps.filter(a => (a.count ?? 0) > 0).length
    return (
      <View className={`page details ${care ? 'care' : ''}`}>
        <View className='hero'>
          <Text className='hero-title' role='heading' aria-level={1} id='details-title'>{result.maskedPhone} 的账号明细</Text>
          <Text className='hero-sub' id='details-summary'>
            共{result.apps.length}个应用，{withAccounts}个注册了账号{unavailable ? `，${unavailable}个暂无法查询（企业未及时答复，不代表没有账号）` : ''}。
          </Text>
        </View>
        <View className='result-list' id='details-list' role='list'>
          {result.apps.map(a => (
            <View className='result-row' key={a.appId} id={`app-${a.appId}`} role='listitem'>
              <Text className='result-label'>{a.label}</Text>
              <Text className={`result-count ${a.count === null ? 'unavailable' : ''}`}>{a.count === null ? '暂无法查询' : `${a.count}个`}</Text>
            </View>
          ))}
        </View>
        <View className='actions'>
          <Button id='details-to-guide' className='btn-primary' role='button' tabIndex={0}
            onClick={() => { void Taro.navigateTo({ url: '/pages/guide/index' }) }}>解绑与明细查询</Button>
          <Button id='details-again' className='btn-default' role='button' tabIndex={0}
            onClick={() => { setResult(null); setCode(''); setTouched({ phone: false, code: false }) }}>查看另一条结果</Button>
        </View>
      </View>
    )
  }

  const formError = error && error.code !== 'CODE_INVALID'
    ? (error.code === 'RATE_LIMITED' && error.retryAfterSeconds !== undefined ? (wait > 0 ? describeError(error, wait) : '') : describeError(error))
    : ''
  return (
    <View className={`page details ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>查看明细</Text>
        <Text className='hero-sub'>结果短信中有结果码时，输入手机号码和结果码，查看每个应用注册的账号数量。结果码24小时内有效，请勿告诉他人。</Text>
      </View>
      <View className='cells'>
        <Field id='details-phone' label='手机号码' h5Type='tel' miniType='number' inputMode='numeric' autoComplete='tel-national'
          maxlength={20} placeholder='收到结果短信的手机号码' value={phone} error={shown.phone} disabled={busy}
          onInput={v => { setPhone(v); setError(null) }} onBlur={() => setTouched(t => ({ ...t, phone: true }))} />
        <Field id='details-code' label='结果码' h5Type='text' miniType='idcard' inputMode='text' autoComplete='off'
          maxlength={12} placeholder='短信中的8位结果码' value={code} error={shown.code} disabled={busy}
          onInput={v => { setCode(v.toUpperCase()); setError(null) }} onBlur={() => setTouched(t => ({ ...t, code: true }))} />
      </View>
      <View className='live' role='status' aria-live='polite' id='details-live'>
        {busy ? <Text className='sr-only'>正在查询</Text> : null}
      </View>
      {formError ? <View className='notice notice-warn' id='details-error' role='alert'><Text>{formError}</Text></View> : null}
      <SubmitActions idPrefix='details-' label='查看明细' enabled={valid} busy={busy} hint={hint} care={false}
        onSubmit={() => { void submit() }} onBack={() => {}} />
    </View>
  )
}
