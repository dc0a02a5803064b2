// The verification both forms ask for (查询 and 异议账号处理): number, ID suffix, SMS code, and the 获取验证码
// button with its countdown and the code request. One place for the fields' state and rules, the request
// (idempotent, a lost answer checked again) and the button; each page keeps its own ids (`idPrefix`: H5 keeps
// earlier pages in the DOM), its submit and how it words a rate limit.
import { useState } from 'react'
import { Button } from '@tarojs/components'
import { normalisePhone } from '@yzt/functions/contract'
import { type ApiError, asApiError, sendCode } from '../services/api'
import { submitIdempotently } from '../services/idempotent'
import { formatWait } from '../utils/messages'
import { useCountdown } from '../utils/useCountdown'
import { check, FULL_LENGTH } from '../utils/validate'
import { Field } from './Field'

export type VerifyField = 'phone' | 'idSuffix' | 'code'
export const FIELD_LABEL: Record<VerifyField, string> = { phone: '手机号码', idSuffix: '身份证后六位', code: '验证码' }

const INPUT: Record<VerifyField, {
  h5Type: 'tel' | 'text', miniType: 'number' | 'idcard', inputMode: 'numeric' | 'text', autoComplete: string, placeholder: string
}> = {
  phone: { h5Type: 'tel', miniType: 'number', inputMode: 'numeric', autoComplete: 'tel-national', placeholder: '请输入本人手机号码' },
  idSuffix: { h5Type: 'text', miniType: 'idcard', inputMode: 'text', autoComplete: 'off', placeholder: '如 12345X' },
  code: { h5Type: 'text', miniType: 'number', inputMode: 'numeric', autoComplete: 'one-time-code', placeholder: '6位验证码' }
}
const EMPTY: Record<VerifyField, string> = { phone: '', idSuffix: '', code: '' }
export const UNTOUCHED: Record<VerifyField, boolean> = { phone: false, idSuffix: false, code: false }
export const ALL_TOUCHED: Record<VerifyField, boolean> = { phone: true, idSuffix: true, code: true }
/** A lost answer to a code request: check again twice, then say it may have been sent. */
const CODE_CHECK_AGAIN_MS = [1000, 3000]

/**
 * What is typed (component state only), checked by the API's own rules. An error shows once the entry is
 * complete or the field was left, or when the API said so (until the field changes). `onChange` runs on
 * every keystroke (a page clears its form-level error there).
 */
export function useVerificationFields (onChange: () => void) {
  const [values, setValues] = useState(EMPTY)
  const [touched, setTouched] = useState(UNTOUCHED)
  const [serverErrors, setServerErrors] = useState<Partial<Record<VerifyField, string>>>({})
  const checked = {
    phone: check('phone', values.phone),
    idSuffix: check('idSuffix', values.idSuffix),
    code: check('code', values.code)
  }
  const shownError = (f: VerifyField) => {
    if (serverErrors[f]) return serverErrors[f]
    const long = f === 'phone' ? normalisePhone(values.phone).length >= FULL_LENGTH.phone : values[f].length >= FULL_LENGTH[f]
    return (touched[f] || long) && values[f] !== '' ? checked[f].error : ''
  }
  const onInput = (f: VerifyField) => (v: string) => {
    setValues(prev => ({ ...prev, [f]: v }))
    setServerErrors(prev => ({ ...prev, [f]: undefined }))
    onChange()
  }
  const touch = (f: VerifyField) => setTouched(prev => ({ ...prev, [f]: true }))
  return { values, setValues, setTouched, setServerErrors, checked, shownError, onInput, touch }
}
export type VerificationFields = ReturnType<typeof useVerificationFields>

/**
 * 获取验证码: the request for the checked number, and the countdown from the API's `resendAfterSeconds` (or
 * `retryAfterSeconds` when rate limited). `startWait` is the same countdown, for a page whose submit was
 * rate limited. The page decides how `error` reads (`describeError` with the seconds left).
 */
export function useCodeRequest (fields: VerificationFields, busy: boolean) {
  const [sending, setSending] = useState(false)
  const [notice, setNotice] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [wait, startWait] = useCountdown()
  const phone = fields.checked.phone
  const canSend = !phone.error && wait === 0 && !sending && !busy

  const send = async () => {
    if (!canSend) {
      if (phone.error) fields.touch('phone')
      return
    }
    setSending(true)
    setError(null)
    setNotice('')
    try {
      const res = await submitIdempotently('codes', { phone: phone.value }, key => sendCode(phone.value, key),
        { delaysMs: CODE_CHECK_AGAIN_MS })
      startWait(res.resendAfterSeconds)
      setNotice(`验证码已发送至${res.maskedPhone}，${formatWait(res.expiresInSeconds)}内有效`)
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'OUTCOME_UNKNOWN') {
        setNotice('网络不稳定，验证码可能已发送，请留意短信；未收到可稍后重新获取。')
        startWait(30)
      } else {
        if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startWait(e.retryAfterSeconds)
        if (e.fields.phone) fields.setServerErrors(prev => ({ ...prev, phone: e.fields.phone }))
        setError(e)
      }
    } finally {
      setSending(false)
    }
  }
  const label = sending ? '发送中…' : wait > 0 ? `${wait}秒后重新获取` : notice ? '重新获取' : '获取验证码'
  return { wait, startWait, canSend, notice, setNotice, error, send, label }
}
export type CodeRequest = ReturnType<typeof useCodeRequest>

/**
 * One of the three cells (`Field`: a real label, the error tied with aria-describedby, 44 px targets); the
 * code cell carries 获取验证码 at its end. Ids: `${idPrefix}phone`, `${idPrefix}send-code`, and the page shows the
 * request's error as `${idPrefix}send-error`.
 */
export function VerificationField ({ f, idPrefix, fields, code, disabled }: {
  f: VerifyField, idPrefix: string, fields: VerificationFields, code: CodeRequest, disabled: boolean
}) {
  return (
    <Field id={`${idPrefix}${f}`} label={FIELD_LABEL[f]} maxlength={FULL_LENGTH[f]} value={fields.values[f]} error={fields.shownError(f)}
      disabled={disabled} onInput={fields.onInput(f)} onBlur={() => fields.touch(f)} {...INPUT[f]}>
      {f === 'code'
        ? <Button id={`${idPrefix}send-code`} className={`send-code ${code.canSend ? '' : 'send-code-disabled'}`} role='button' tabIndex={0}
          aria-disabled={code.canSend ? 'false' : 'true'} aria-describedby={code.error ? `${idPrefix}send-error` : undefined}
          onClick={() => { void code.send() }}>{code.label}</Button>
        : null}
    </Field>
  )
}
