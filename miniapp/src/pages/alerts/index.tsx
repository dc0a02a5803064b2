// 绑定提醒: the holder turns binding alerts on or off, verified like a query (number, ID suffix, SMS code)
// with its own consent for turning on; the answer is the state, and one confirmation SMS to the number.
import { useState } from 'react'
import { Checkbox, CheckboxGroup, Label, Radio, RadioGroup, Text, View } from '@tarojs/components'
import { ALERT_CONSENT_TEXT, ALERTS_PER_DAY } from '@yzt/functions/contract/alerts'
import { ALL_TOUCHED, FIELD_LABEL, UNTOUCHED, useCodeRequest, useVerificationFields, VerificationField, type VerifyField } from '../../components/Verification'
import { SubmitActions } from '../../components/SubmitActions'
import { asApiError, type ApiError } from '../../services/api'
import { setBindingAlerts } from '../../services/alerts'
import { describeError } from '../../utils/messages'
import './index.scss'

const FIELDS: VerifyField[] = ['phone', 'idSuffix', 'code']
const ID = 'alerts-'

export default function AlertsPage () {
  const [action, setAction] = useState<'on' | 'off'>('on')
  const [consent, setConsent] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [formError, setFormError] = useState<ApiError | null>(null)
  const [done, setDone] = useState('')
  const fields = useVerificationFields(() => { setFormError(null); setDone('') })
  const { checked } = fields
  const code = useCodeRequest(fields, submitting)

  const missing = FIELDS.filter(f => checked[f].error).map(f => FIELD_LABEL[f])
  const needsConsent = action === 'on' && !consent
  const allValid = missing.length === 0 && !needsConsent
  const hint = submitting ? '' : missing.length ? `请先填写：${missing.join('、')}` : needsConsent ? '请先勾选上方的同意选项' : ''
  const liveError = (e: ApiError | null) => {
    if (!e) return ''
    if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) return code.wait > 0 ? describeError(e, code.wait) : ''
    return describeError(e)
  }

  const submit = async () => {
    setSubmitting(true)
    setFormError(null)
    try {
      const res = await setBindingAlerts({
        phone: checked.phone.value, idSuffix: checked.idSuffix.value, code: checked.code.value, action, ...(action === 'on' && { consent: true })
      })
      fields.setValues(prev => ({ ...prev, idSuffix: '', code: '' }))
      fields.setTouched(UNTOUCHED)
      setConsent(false)
      code.setNotice('')
      setDone(res.alerts === 'ON'
        ? `已为${res.maskedPhone}开通绑定提醒，确认短信已发送至该号码。`
        : `已为${res.maskedPhone}关闭绑定提醒，确认短信已发送至该号码。`)
    } catch (err) {
      const e = asApiError(err)
      const fieldErrors: Partial<Record<VerifyField, string>> = {}
      for (const f of FIELDS) if (e.fields[f]) fieldErrors[f] = e.fields[f]
      if (e.code === 'CODE_INVALID') fieldErrors.code = '验证码不正确或已过期'
      fields.setServerErrors(fieldErrors)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) code.startWait(e.retryAfterSeconds)
      setFormError(e)
    } finally {
      setSubmitting(false)
    }
  }

  const onSubmit = () => {
    if (submitting) return
    if (!allValid) { fields.setTouched(ALL_TOUCHED); return }
    void submit()
  }

  return (
    <View className='page alerts'>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>绑定提醒</Text>
      </View>
      <Text className='intro'>
        开通后，已接入的互联网应用新绑定您的号码时，我们会在几分钟内短信告知您（每天最多{ALERTS_PER_DAY}条，22:00至次日8:00不发送，之后合并提醒）。
        如非本人操作，可在“异议账号处理”中一步申请解绑。号码注销或更换使用者后自动关闭。
      </Text>

      <RadioGroup className='choice' onChange={e => { setAction(e.detail.value === 'off' ? 'off' : 'on'); setFormError(null); setDone('') }}>
        <Label className='choice-item' id='alerts-choose-on'><Radio value='on' checked={action === 'on'} disabled={submitting} /><Text>开通提醒</Text></Label>
        <Label className='choice-item' id='alerts-choose-off'><Radio value='off' checked={action === 'off'} disabled={submitting} /><Text>关闭提醒</Text></Label>
      </RadioGroup>

      <View className='cells'>
        {FIELDS.map(f => <VerificationField key={f} f={f} idPrefix={ID} fields={fields} code={code} disabled={submitting} />)}
        {code.error && liveError(code.error) ? <Text className='field-error' id='alerts-send-error' role='alert'>{liveError(code.error)}</Text> : null}
      </View>
      <View className='live' role='status' aria-live='polite' id='alerts-live'>
        {code.notice ? <Text className='field-notice' id='alerts-code-notice'>{code.notice}</Text> : null}
        {done ? <Text className='field-notice' id='alerts-done'>{done}</Text> : null}
      </View>

      {action === 'on'
        ? (
          <View className='consent'>
            <CheckboxGroup onChange={e => setConsent(e.detail.value.includes('consent'))}>
              <Label className='consent-label' id='alerts-consent-label'>
                <Checkbox className='consent-box' value='consent' checked={consent} disabled={submitting} />
                <Text className='consent-text'>{ALERT_CONSENT_TEXT}</Text>
              </Label>
            </CheckboxGroup>
          </View>)
        : null}

      {formError && liveError(formError)
        ? <View className='notice notice-warn' id='alerts-form-error' role='alert'><Text>{liveError(formError)}</Text></View>
        : null}

      <SubmitActions idPrefix={ID} label={action === 'on' ? '开通绑定提醒' : '关闭绑定提醒'} enabled={allValid} busy={submitting} hint={hint} care={false}
        onSubmit={onSubmit} onBack={() => {}} />
    </View>
  )
}
