import { useState } from 'react'
import { Button, Checkbox, CheckboxGroup, Label, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { normalisePhone } from '@yzt/functions/contract'
import { Field } from '../../components/Field'
import { ApiError, asApiError, sendCode, submitQuery } from '../../services/api'
import { submitIdempotently } from '../../services/idempotent'
import { useCareMode } from '../../utils/care'
import { rememberQuery } from '../../utils/recentQuery'
import { describeError, formatWait } from '../../utils/messages'
import { useCountdown } from '../../utils/useCountdown'
import { check, FULL_LENGTH } from '../../utils/validate'
import './index.scss'

type Field = 'phone' | 'idSuffix' | 'code'
const LABEL: Record<Field, string> = { phone: '手机号码', idSuffix: '身份证后六位', code: '验证码' }
/** 关怀模式 shows one field per step, in this order (the last step also holds consent and submit). */
const STEPS: Field[] = ['phone', 'idSuffix', 'code']
/** A lost answer to a code request: check again twice, then say it may have been sent. */
const CODE_CHECK_AGAIN_MS = [1000, 3000]

// Everything typed lives in component state only: storage holds only the random idempotency key of a
// submit whose outcome is not yet known, and the 关怀模式 preference.
export default function QueryPage () {
  const [values, setValues] = useState<Record<Field, string>>({ phone: '', idSuffix: '', code: '' })
  const [touched, setTouched] = useState<Record<Field, boolean>>({ phone: false, idSuffix: false, code: false })
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({})
  const [consent, setConsent] = useState(false)
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  /** the answer to the submit was lost: we are asking again with the same key */
  const [unknown, setUnknown] = useState<'checking' | 'gave-up' | ''>('')
  const [codeNotice, setCodeNotice] = useState('')
  const [codeError, setCodeError] = useState<ApiError | null>(null)
  const [formError, setFormError] = useState<ApiError | null>(null)
  const [wait, startWait] = useCountdown()
  const [care, setCare] = useCareMode()
  const [step, setStep] = useState(0)

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
  const missing = STEPS.filter(f => checked[f].error).map(f => LABEL[f])
  const allValid = missing.length === 0 && consent
  const busy = submitting || unknown !== ''
  const canSend = !checked.phone.error && wait === 0 && !sending && !busy
  // what stops the submit, said at the control rather than a silent grey button
  const submitHint = busy
    ? ''
    : missing.length ? `请先填写：${missing.join('、')}` : !consent ? '请先勾选上方的同意选项' : ''

  // A rate limit is shown with the seconds still left, and goes when they run out.
  const liveError = (e: ApiError | null) => {
    if (!e) return ''
    if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) return wait > 0 ? describeError(e, wait) : ''
    return describeError(e)
  }

  const onInput = (f: Field) => (v: string) => {
    setValues(prev => ({ ...prev, [f]: v }))
    setServerErrors(prev => ({ ...prev, [f]: undefined }))
    setFormError(null)
  }
  const onBlur = (f: Field) => () => setTouched(prev => ({ ...prev, [f]: true }))

  const onSendCode = async () => {
    if (!canSend) {
      if (checked.phone.error) setTouched(prev => ({ ...prev, phone: true }))
      return
    }
    setSending(true)
    setCodeError(null)
    setCodeNotice('')
    try {
      const res = await submitIdempotently('codes', { phone: checked.phone.value }, key => sendCode(checked.phone.value, key),
        { delaysMs: CODE_CHECK_AGAIN_MS })
      startWait(res.resendAfterSeconds)
      setCodeNotice(`验证码已发送至${res.maskedPhone}，${formatWait(res.expiresInSeconds)}内有效`)
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'OUTCOME_UNKNOWN') {
        setCodeNotice('网络不稳定，验证码可能已发送，请留意短信；未收到可稍后重新获取。')
        startWait(30)
      } else {
        if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
        if (e.fields.phone) setServerErrors(prev => ({ ...prev, phone: e.fields.phone }))
        setCodeError(e)
      }
    } finally {
      setSending(false)
    }
  }

  const submit = async () => {
    const body = { phone: checked.phone.value, idSuffix: checked.idSuffix.value, code: checked.code.value, consent: true }
    setSubmitting(true)
    setFormError(null)
    try {
      const res = await submitIdempotently('queries', body, key => submitQuery(body, key), {
        delaysMs: [1000, 2000, 4000, 8000, 15000],
        onUnknown: () => setUnknown('checking')
      })
      setUnknown('')
      // for 10 minutes this query also verifies a resolution case (异议账号处理) for the same number
      rememberQuery({ queryId: res.queryId, maskedPhone: res.maskedPhone })
      setValues(prev => ({ ...prev, idSuffix: '', code: '' }))
      setTouched({ phone: false, idSuffix: false, code: false })
      setConsent(false)
      setCodeNotice('')
      setStep(0)
      await Taro.navigateTo({
        url: `/pages/submitted/index?queryId=${encodeURIComponent(res.queryId)}&maskedPhone=${encodeURIComponent(res.maskedPhone)}`
      })
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'OUTCOME_UNKNOWN') { setUnknown('gave-up'); return }
      setUnknown('')
      const fields: Partial<Record<Field, string>> = {}
      for (const f of STEPS) if (e.fields[f]) fields[f] = e.fields[f]
      if (e.code === 'CODE_INVALID') fields.code = '验证码不正确或已过期'
      setServerErrors(fields)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
      setFormError(e)
    } finally {
      setSubmitting(false)
    }
  }

  const onSubmit = () => {
    if (busy) return
    if (!allValid) { setTouched({ phone: true, idSuffix: true, code: true }); return }
    void submit()
  }

  const sendLabel = sending ? '发送中…' : wait > 0 ? `${wait}秒后重新获取` : codeNotice ? '重新获取' : '获取验证码'
  const visible = (f: Field) => !care || STEPS[step] === f
  const lastStep = !care || step === STEPS.length - 1
  const field = (f: Field, extra: { h5Type: 'tel' | 'text', miniType: 'number' | 'idcard', inputMode: 'numeric' | 'text', autoComplete: string, placeholder: string }) => (
    <Field id={f} label={LABEL[f]} maxlength={FULL_LENGTH[f]} value={values[f]} error={shownError(f)} disabled={busy}
      onInput={onInput(f)} onBlur={onBlur(f)} {...extra}>
      {f === 'code'
        ? <Button id='send-code' className={`send-code ${canSend ? '' : 'send-code-disabled'}`} role='button' tabIndex={0}
          aria-disabled={canSend ? 'false' : 'true'} aria-describedby={codeError ? 'send-error' : undefined}
          onClick={onSendCode}>{sendLabel}</Button>
        : null}
    </Field>
  )

  return (
    <View className={`page query ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>全国互联网账号一证通查</Text>
        <Text className='hero-sub'>查询本人手机号码注册了哪些互联网账号。查询结果只以短信发送到该号码，不在页面显示。</Text>
      </View>

      <View className='care-row'>
        <Text className='care-text' id='care-label'>关怀模式（大字、一步一项）</Text>
        <View id='care-switch' className={`care-switch ${care ? 'is-on' : ''}`} role='switch' aria-checked={care ? 'true' : 'false'}
          aria-labelledby='care-label' tabIndex={0} onClick={() => { setCare(!care); setStep(0) }}>
          <Text className='care-state'>{care ? '已开启' : '已关闭'}</Text>
        </View>
      </View>

      {care ? <Text className='step-count' id='step-count'>第{step + 1}步，共{STEPS.length}步</Text> : null}

      <View className='cells'>
        {visible('phone') ? field('phone', { h5Type: 'tel', miniType: 'number', inputMode: 'numeric', autoComplete: 'tel-national', placeholder: '请输入本人手机号码' }) : null}
        {visible('idSuffix') ? field('idSuffix', { h5Type: 'text', miniType: 'idcard', inputMode: 'text', autoComplete: 'off', placeholder: '如 12345X' }) : null}
        {visible('code') ? field('code', { h5Type: 'text', miniType: 'number', inputMode: 'numeric', autoComplete: 'one-time-code', placeholder: '6位验证码' }) : null}
        {visible('code') && codeError && liveError(codeError) ? <Text className='field-error' id='send-error' role='alert'>{liveError(codeError)}</Text> : null}
      </View>
      {/* always present, so screen readers announce what is put into it */}
      <View className='live' role='status' aria-live='polite' id='live'>
        {codeNotice ? <Text className='field-notice' id='code-notice'>{codeNotice}</Text> : null}
        {submitting && !unknown ? <Text className='sr-only'>正在提交</Text> : null}
      </View>

      {care && !lastStep
        ? (
          <View className='actions'>
            <Button id='next-step' className='btn-primary' role='button' tabIndex={0} onClick={() => {
              const f = STEPS[step]
              if (checked[f].error) { setTouched(prev => ({ ...prev, [f]: true })); return }
              setStep(step + 1)
            }}>下一步</Button>
            {step > 0 ? <Button id='prev-step' className='btn-default' role='button' tabIndex={0} onClick={() => setStep(step - 1)}>上一步</Button> : null}
          </View>)
        : null}

      {lastStep
        ? (
          <View className='consent'>
            <CheckboxGroup onChange={e => setConsent(e.detail.value.includes('consent'))}>
              <Label className='consent-label' id='consent-label'>
                <Checkbox className='consent-box' value='consent' checked={consent} disabled={busy} />
                <Text className='consent-text'>我单独同意：为完成本次查询，处理我的手机号码和身份证号码后六位（敏感个人信息）</Text>
              </Label>
            </CheckboxGroup>
            <View className='link consent-link' id='privacy-link' role='link' tabIndex={0}
              onClick={() => Taro.navigateTo({ url: '/pages/privacy/index' })}><Text>阅读《个人信息处理规则》</Text></View>
          </View>)
        : null}

      {unknown
        ? (
          <View className='notice notice-info' id='outcome-unknown' role='status' aria-live='polite'>
            <Text>{unknown === 'checking'
              ? describeError(new ApiError('OUTCOME_UNKNOWN', ''))
              : '仍未能确认是否已提交。您填写的内容仍在，点“重新确认”再试；不会重复查询。'}</Text>
            {unknown === 'gave-up'
              ? <Button id='check-again' className='btn-default' role='button' tabIndex={0} onClick={() => { void submit() }}>重新确认</Button>
              : null}
          </View>)
        : null}
      {formError && liveError(formError)
        ? <View className='notice notice-warn' id='form-error' role='alert'><Text>{liveError(formError)}</Text></View>
        : null}

      {lastStep
        ? (
          <View className='actions'>
            <Button id='submit' className={`btn-primary ${allValid && !busy ? '' : 'is-disabled'}`} role='button' tabIndex={0}
              aria-disabled={allValid && !busy ? 'false' : 'true'} aria-describedby={submitHint ? 'submit-hint' : undefined}
              onClick={onSubmit}>{busy ? '正在提交' : '提交查询'}</Button>
            {submitHint ? <Text className='submit-hint' id='submit-hint'>{submitHint}</Text> : null}
            {care ? <Button id='prev-step' className='btn-default' role='button' tabIndex={0} onClick={() => setStep(step - 1)}>上一步</Button> : null}
          </View>)
        : null}

      <View className='links'>
        <View className='link-row' id='guide-link' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/pages/guide/index' })}>
          <Text>解绑与明细查询</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        <View className='link-row' id='home-my-cases' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/case/list/index' })}>
          <Text>我的工单（异议账号处理）</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        {DEV_SMS
          ? (
            <View className='link-row' id='dev-sms-link' role='link' tabIndex={0} onClick={() => Taro.navigateTo({
              url: `/pages/dev-sms/index?phone=${encodeURIComponent(checked.phone.value)}`
            })}>
              <Text>模拟短信（本地开发）</Text><Text className='chevron' aria-hidden='true'>›</Text>
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
