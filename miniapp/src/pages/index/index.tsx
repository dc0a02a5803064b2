import { useState } from 'react'
import { Button, Checkbox, CheckboxGroup, Label, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ALL_TOUCHED, FIELD_LABEL, UNTOUCHED, useCodeRequest, useVerificationFields, VerificationField, type VerifyField } from '../../components/Verification'
import { SubmitActions } from '../../components/SubmitActions'
import { OutcomeNotice } from '../../components/OutcomeNotice'
import { type ApiError, submitQuery } from '../../services/api'
import { useCareMode } from '../../utils/care'
import { rememberQuery } from '../../utils/rememberQuery'
import { describeError } from '../../utils/messages'
import { useIdempotentSubmit } from '../../utils/useIdempotentSubmit'
import './index.scss'

/** 关怀模式 shows one field per step, in this order (the last step also holds consent and submit). */
const STEPS: VerifyField[] = ['phone', 'idSuffix', 'code']

// Everything typed lives in component state only: storage holds only the random idempotency key of a
// submit whose outcome is not yet known, and the 关怀模式 preference.
export default function QueryPage () {
  const [consent, setConsent] = useState(false)
  /** the submit under one idempotency key; `unknown`: its answer was lost and is asked for again */
  const sending = useIdempotentSubmit()
  const { submitting, busy, outcome: unknown } = sending
  const [formError, setFormError] = useState<ApiError | null>(null)
  const [care, setCare] = useCareMode()
  const [step, setStep] = useState(0)
  const fields = useVerificationFields(() => setFormError(null))
  const { checked } = fields
  // the code button's countdown; a rate-limited submit waits on it too
  const code = useCodeRequest(fields, busy)
  const { wait, startWait } = code

  const missing = STEPS.filter(f => checked[f].error).map(f => FIELD_LABEL[f])
  const allValid = missing.length === 0 && consent
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

  const submit = async () => {
    const body = { phone: checked.phone.value, idSuffix: checked.idSuffix.value, code: checked.code.value, consent: true }
    setFormError(null)
    await sending.submit('queries', body, key => submitQuery(body, key), { accepted: async res => {
      // for 10 minutes this query also verifies a resolution case (异议账号处理) for the same number
      rememberQuery({ queryId: res.queryId, maskedPhone: res.maskedPhone })
      fields.setValues(prev => ({ ...prev, idSuffix: '', code: '' }))
      fields.setTouched(UNTOUCHED)
      setConsent(false)
      code.setNotice('')
      setStep(0)
      await Taro.navigateTo({
        url: `/pages/submitted/index?queryId=${encodeURIComponent(res.queryId)}&maskedPhone=${encodeURIComponent(res.maskedPhone)}`
      })
    }, refused: e => {
      const fieldErrors: Partial<Record<VerifyField, string>> = {}
      for (const f of STEPS) if (e.fields[f]) fieldErrors[f] = e.fields[f]
      if (e.code === 'CODE_INVALID') fieldErrors.code = '验证码不正确或已过期'
      fields.setServerErrors(fieldErrors)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
      setFormError(e)
    } })
  }

  const onSubmit = () => {
    if (busy) return
    if (!allValid) { fields.setTouched(ALL_TOUCHED); return }
    void submit()
  }

  const visible = (f: VerifyField) => !care || STEPS[step] === f
  const lastStep = !care || step === STEPS.length - 1
  const field = (f: VerifyField) => <VerificationField f={f} idPrefix='' fields={fields} code={code} disabled={busy} />

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
        {visible('phone') ? field('phone') : null}
        {visible('idSuffix') ? field('idSuffix') : null}
        {visible('code') ? field('code') : null}
        {visible('code') && code.error && liveError(code.error) ? <Text className='field-error' id='send-error' role='alert'>{liveError(code.error)}</Text> : null}
      </View>
      {/* always present, so screen readers announce what is put into it */}
      <View className='live' role='status' aria-live='polite' id='live'>
        {code.notice ? <Text className='field-notice' id='code-notice'>{code.notice}</Text> : null}
        {submitting && !unknown ? <Text className='sr-only'>正在提交</Text> : null}
      </View>

      {care && !lastStep
        ? (
          <View className='actions'>
            <Button id='next-step' className='btn-primary' role='button' tabIndex={0} onClick={() => {
              const f = STEPS[step]
              if (checked[f].error) { fields.touch(f); return }
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

      <OutcomeNotice outcome={unknown} idPrefix='' notRepeated='查询' onCheckAgain={() => { void submit() }} />
      {formError && liveError(formError)
        ? <View className='notice notice-warn' id='form-error' role='alert'><Text>{liveError(formError)}</Text></View>
        : null}

      {lastStep
        ? (
          <SubmitActions idPrefix='' label='提交查询' enabled={allValid} busy={busy} hint={submitHint} care={care}
            onSubmit={onSubmit} onBack={() => setStep(step - 1)} />)
        : null}

      <View className='links'>
        <View className='link-row' id='guide-link' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/pages/guide/index' })}>
          <Text>解绑与明细查询</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        <View className='link-row' id='details-link' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/pages/details/index' })}>
          <Text>查看明细（输入短信中的结果码）</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        <View className='link-row' id='home-my-cases' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/case/list/index' })}>
          <Text>我的工单（异议账号处理）</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
        <View className='link-row' id='home-alerts' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/pages/alerts/index' })}>
          <Text>绑定提醒（新绑定短信告知）</Text><Text className='chevron' aria-hidden='true'>›</Text>
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
