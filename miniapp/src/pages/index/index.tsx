import { useState } from 'react'
import { Button, Checkbox, CheckboxGroup, Input, Label, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { normalisePhone } from '@yzt/functions/contract'
import { asApiError, sendCode, submitQuery } from '../../services/api'
import { describeError, formatWait } from '../../utils/messages'
import { useCountdown } from '../../utils/useCountdown'
import { check, FULL_LENGTH } from '../../utils/validate'
import './index.scss'

type Field = 'phone' | 'idSuffix' | 'code'


// Everything typed lives in component state only: nothing goes to storage, and the ID suffix and
// code are cleared as soon as the query is accepted.
export default function QueryPage () {
  const [values, setValues] = useState<Record<Field, string>>({ phone: '', idSuffix: '', code: '' })
  const [touched, setTouched] = useState<Record<Field, boolean>>({ phone: false, idSuffix: false, code: false })
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({})
  const [consent, setConsent] = useState(false)
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [codeNotice, setCodeNotice] = useState('')
  const [codeError, setCodeError] = useState('')
  const [formError, setFormError] = useState('')
  const [wait, startWait] = useCountdown()

  const checked = {
    phone: check('phone', values.phone),
    idSuffix: check('idSuffix', values.idSuffix),
    code: check('code', values.code)
  }
  const shownError = (f: Field) => {
    if (serverErrors[f]) return serverErrors[f]
    const long = f === 'phone' ? normalisePhone(values.phone).length >= FULL_LENGTH.phone : values[f].length >= FULL_LENGTH[f]
    return (touched[f] || long) && values[f] !== '' ? checked[f].error : ''
  }
  const allValid = !checked.phone.error && !checked.idSuffix.error && !checked.code.error && consent
  const canSend = !checked.phone.error && wait === 0 && !sending

  const onInput = (f: Field) => (e: { detail: { value: string } }) => {
    const v = e.detail.value
    setValues(prev => ({ ...prev, [f]: v }))
    setServerErrors(prev => ({ ...prev, [f]: undefined }))
    setFormError('')
  }
  const onBlur = (f: Field) => () => setTouched(prev => ({ ...prev, [f]: true }))

  const onSendCode = async () => {
    if (!canSend) {
      if (checked.phone.error) setTouched(prev => ({ ...prev, phone: true }))
      return
    }
    setSending(true)
    setCodeError('')
    setCodeNotice('')
    try {
      const res = await sendCode(checked.phone.value)
      startWait(res.resendAfterSeconds)
      setCodeNotice(`验证码已发送至${res.maskedPhone}，${formatWait(res.expiresInSeconds)}内有效`)
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
      if (e.fields.phone) setServerErrors(prev => ({ ...prev, phone: e.fields.phone }))
      setCodeError(describeError(e))
    } finally {
      setSending(false)
    }
  }

  const onSubmit = async () => {
    if (!allValid || submitting) {
      setTouched({ phone: true, idSuffix: true, code: true })
      return
    }
    setSubmitting(true)
    setFormError('')
    try {
      const res = await submitQuery({
        phone: checked.phone.value, idSuffix: checked.idSuffix.value, code: checked.code.value, consent: true
      })
      setValues(prev => ({ ...prev, idSuffix: '', code: '' }))
      setTouched({ phone: false, idSuffix: false, code: false })
      setConsent(false)
      setCodeNotice('')
      await Taro.navigateTo({
        url: `/pages/submitted/index?queryId=${encodeURIComponent(res.queryId)}&maskedPhone=${encodeURIComponent(res.maskedPhone)}`
      })
    } catch (err) {
      const e = asApiError(err)
      const fields: Partial<Record<Field, string>> = {}
      for (const f of ['phone', 'idSuffix', 'code'] as const) if (e.fields[f]) fields[f] = e.fields[f]
      if (e.code === 'CODE_INVALID') fields.code = '验证码不正确或已过期'
      setServerErrors(fields)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
      setFormError(describeError(e))
    } finally {
      setSubmitting(false)
    }
  }

  const sendLabel = sending ? '发送中…' : wait > 0 ? `${wait}秒后重新获取` : codeNotice ? '重新获取' : '获取验证码'

  return (
    <View className='page query'>
      <View className='hero'>
        <Text className='hero-title'>全国互联网账号一证通查</Text>
        <Text className='hero-sub'>查询本人手机号码注册了哪些互联网账号。查询结果只以短信发送到该号码，不在页面显示。</Text>
      </View>

      <View className='cells'>
        <View className={`cell ${shownError('phone') ? 'cell-warn' : ''}`}>
          <Text className='cell-label'>手机号码</Text>
          <Input id='phone' className='cell-input' type='number' maxlength={11} placeholder='请输入本人手机号码'
            value={values.phone} onInput={onInput('phone')} onBlur={onBlur('phone')} />
        </View>
        {shownError('phone') ? <Text className='field-error' id='phone-error'>{shownError('phone')}</Text> : null}

        <View className={`cell ${shownError('idSuffix') ? 'cell-warn' : ''}`}>
          <Text className='cell-label'>身份证后六位</Text>
          <Input id='idSuffix' className='cell-input' type='idcard' maxlength={6} placeholder='如 12345X'
            value={values.idSuffix} onInput={onInput('idSuffix')} onBlur={onBlur('idSuffix')} />
        </View>
        {shownError('idSuffix') ? <Text className='field-error' id='idSuffix-error'>{shownError('idSuffix')}</Text> : null}

        <View className={`cell ${shownError('code') ? 'cell-warn' : ''}`}>
          <Text className='cell-label'>验证码</Text>
          <Input id='code' className='cell-input' type='number' maxlength={6} placeholder='6位验证码'
            value={values.code} onInput={onInput('code')} onBlur={onBlur('code')} />
          <Button id='send-code' className={`send-code ${canSend ? '' : 'send-code-disabled'}`} size='mini'
            disabled={!canSend} onClick={onSendCode}>{sendLabel}</Button>
        </View>
        {shownError('code') ? <Text className='field-error' id='code-error'>{shownError('code')}</Text> : null}
        {codeError ? <Text className='field-error' id='send-error'>{codeError}</Text> : null}
        {codeNotice ? <Text className='field-notice' id='code-notice'>{codeNotice}</Text> : null}
      </View>

      <View className='consent'>
        <CheckboxGroup onChange={e => setConsent(e.detail.value.includes('consent'))}>
          <Label className='consent-label' id='consent-label'>
            <Checkbox className='consent-box' value='consent' checked={consent} />
            <Text className='consent-text'>我单独同意：为完成本次查询，处理我的手机号码和身份证号码后六位（敏感个人信息）</Text>
          </Label>
        </CheckboxGroup>
        <Text className='link consent-link' id='privacy-link'
          onClick={() => Taro.navigateTo({ url: '/pages/privacy/index' })}>阅读《个人信息处理规则》</Text>
      </View>

      {formError ? <View className='notice notice-warn' id='form-error'><Text>{formError}</Text></View> : null}

      <View className='actions'>
        <Button id='submit' className={`btn-primary ${allValid && !submitting ? '' : 'is-disabled'}`} type='primary'
          disabled={!allValid || submitting} onClick={onSubmit}>{submitting ? '正在提交' : '提交查询'}</Button>
      </View>

      <View className='links'>
        <View className='link-row' id='guide-link' onClick={() => Taro.navigateTo({ url: '/pages/guide/index' })}>
          <Text>解绑与明细查询</Text><Text className='chevron'>›</Text>
        </View>
        {DEV_SMS
          ? (
            <View className='link-row' id='dev-sms-link' onClick={() => Taro.navigateTo({
              url: `/pages/dev-sms/index?phone=${encodeURIComponent(checked.phone.value)}`
            })}>
              <Text>模拟短信（本地开发）</Text><Text className='chevron'>›</Text>
            </View>)
          : null}
      </View>

      <View className='tips'>
        <Text className='tips-title'>说明</Text>
        <Text className='tip'>· 仅可查询本人名下、正在使用的手机号码；号码须能接收短信。</Text>
        <Text className='tip'>· 结果为各平台绑定该号码的账号数量，不含账号名称。某企业未及时答复时显示“暂无法查询”，不代表没有账号。</Text>
        <Text className='tip'>· 已注销的号码无法查询，请在“解绑与明细查询”中联系各企业客服。</Text>
        <Text className='tip'>· 本页不保存您填写的任何信息；号码只以脱敏形式显示（如 138****5551）。</Text>
      </View>
    </View>
  )
}
