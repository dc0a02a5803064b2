// 异议账号处理: pick the apps (in SMS order) and for each what is wrong, verify again (number + ID suffix +
// a fresh SMS code, or the query this device just submitted for the same number), consent separately to
// forwarding the number to the chosen enterprises, submit. Everything typed stays in component state; the
// device keeps only the case's ticket and access token (utils/myCases.ts) once the API accepted it.
import { useEffect, useState } from 'react'
import { Button, Checkbox, CheckboxGroup, Label, Text, Textarea, View } from '@tarojs/components'
import { AppPicker } from '../../components/AppPicker'
import Taro, { useRouter } from '@tarojs/taro'
import { LIMIT_NOTES, maskPhone, noteHasLink, REFUSALS } from '@yzt/functions/contract'
import { ALL_TOUCHED, FIELD_LABEL, useCodeRequest, useVerificationFields, VerificationField, type VerifyField } from '../../components/Verification'
import { SubmitActions } from '../../components/SubmitActions'
import { OutcomeNotice } from '../../components/OutcomeNotice'
import { type ApiError } from '../../services/api'
import { createCase, type CaseInput } from '../../services/cases'
import { appName, CASE_KIND_LABELS, CASE_KINDS, caseConsentText, NOTE_MAX, type CaseKind } from '../../services/cases-contract'
import { useCareMode } from '../../utils/care'
import { describeError } from '../../utils/messages'
import { saveCase } from '../../utils/myCases'
import { param } from '../../utils/params'
import { forgetQuery, recentQuery } from '../../utils/recentQuery'
import { useCountdown } from '../../utils/useCountdown'
import { useEnterprises } from '../../utils/useEnterprises'
import { useIdempotentSubmit } from '../../utils/useIdempotentSubmit'
import './index.scss'

/** 关怀模式: one thing per step; the last holds the verification, the consent and the submit */
type Step = 'apps' | 'phone' | 'idSuffix' | 'verify'
const STEPS: Step[] = ['apps', 'phone', 'idSuffix', 'verify']
/** the API's daily limit, said beside its wait */
export const CASES_PER_DAY_NOTE = LIMIT_NOTES.casesPerDay

/** Notes go to the enterprise as plain text: links are refused, by the contract's rule the API applies too */
export function noteError (note: string): string {
  if (note.length > NOTE_MAX) return REFUSALS.noteTooLong(NOTE_MAX)
  return noteHasLink(note) ? REFUSALS.noteLink : ''
}
/** the API refused the query as proof: too old, or it already opened a case */
export const RECENT_REFUSED = REFUSALS.recentProofGoneHere

interface Choice { kind?: CaseKind, note: string }

/** from a binding alert (绑定提醒): `?appId=…&kind=NOT_MINE` opens the form with that app and kind chosen */
function prefilled (params: Record<string, string | undefined>): Record<string, Choice> {
  const appId = param(params, 'appId')
  const kind = param(params, 'kind')
  if (!/^[a-z0-9-]{1,32}$/.test(appId) || !(CASE_KINDS as readonly string[]).includes(kind)) return {}
  return { [appId]: { kind: kind as CaseKind, note: '' } }
}

/** "请1200分钟后再试" reads badly: the daily limit's waits are said in hours. */
function waitSentence (e: ApiError, secondsLeft: number): string {
  if (e.code === 'RATE_LIMITED' && secondsLeft >= 3600) return REFUSALS.rateLimitedHours(secondsLeft)
  return describeError(e, secondsLeft > 0 ? secondsLeft : undefined)
}

export default function NewCasePage () {
  const { enterprises, error: catalogueError, reload } = useEnterprises()
  const { params } = useRouter()
  const [chosen, setChosen] = useState<Record<string, Choice>>(() => prefilled(params))
  /** per app: what the API said about it (an open case elsewhere, a note it refused) */
  const [itemErrors, setItemErrors] = useState<Record<string, string>>({})
  /** the consent names the enterprises: it holds for exactly the list it was given for */
  const [consentedTo, setConsentedTo] = useState<string | null>(null)
  const [recent, setRecent] = useState(() => recentQuery())
  const [method, setMethod] = useState<'recent' | 'code'>('recent')
  /** the submit under one idempotency key; `unknown`: its answer was lost and is asked for again */
  const sending = useIdempotentSubmit()
  const { submitting, busy, outcome: unknown } = sending
  const [formError, setFormError] = useState<ApiError | null>(null)
  const [recentRefused, setRecentRefused] = useState(false)
  const [submitWait, startSubmitWait] = useCountdown()
  const [care] = useCareMode()
  const [step, setStep] = useState(0)
  // 前任账号解绑 only for whoever came for it: from the result SMS's "其中N个账号注册于您启用该号码之前"
  // (a link with ?kind=PREVIOUS_HOLDER) or by choosing it here; it is a case of its own
  const routeKind = param(params, 'kind')
  const [previousHolder, setPreviousHolder] = useState(routeKind === 'PREVIOUS_HOLDER')
  const kinds: readonly CaseKind[] = previousHolder ? ['PREVIOUS_HOLDER'] : CASE_KINDS.filter(k => k !== 'PREVIOUS_HOLDER')
  const switchPreviousHolder = () => {
    setPreviousHolder(on => !on)
    // a kind chosen for the other mode no longer applies
    setChosen(prev => Object.fromEntries(Object.entries(prev).map(([id, c]) => [id, { note: c.note }])))
  }

  // the recent verification is offered only while the API would still take it
  useEffect(() => {
    if (!recent) return undefined
    const timer = setInterval(() => setRecent(recentQuery()), 5000)
    return () => clearInterval(timer)
  }, [recent])

  const apps = enterprises?.flatMap(e => e.apps.map(a => ({ ...a, enterpriseId: e.id, enterpriseName: e.name }))) ?? []
  const picked = apps.filter(a => chosen[a.id])
  const names = [...new Set(picked.map(a => a.enterpriseName))]
  const consentText = caseConsentText(names)
  const consent = picked.length > 0 && consentedTo === consentText

  const clearErrors = () => { setFormError(null) }
  const fields = useVerificationFields(clearErrors)
  const { checked } = fields
  const code = useCodeRequest(fields, busy)
  const recentMatches = recent !== null && !checked.phone.error && maskPhone(checked.phone.value) === recent.maskedPhone
  const useRecent = recentMatches && method === 'recent'
  const asked: VerifyField[] = useRecent ? ['phone', 'idSuffix'] : ['phone', 'idSuffix', 'code']

  const noteErrors = Object.fromEntries(picked.map(a => [a.id, noteError(chosen[a.id].note)]))
  const missing = [
    ...(picked.length ? [] : ['要处理的应用']),
    ...picked.filter(a => !chosen[a.id].kind).map(a => `${appName(a.label)}的异议类型`),
    ...asked.filter(f => checked[f].error).map(f => FIELD_LABEL[f])
  ]
  const badNotes = picked.filter(a => noteErrors[a.id]).map(a => appName(a.label))
  const allValid = missing.length === 0 && badNotes.length === 0 && consent && submitWait === 0
  const submitHint = busy
    ? ''
    : missing.length
      ? `请先填写或选择：${missing.join('、')}`
      : badNotes.length
        ? `请修改${badNotes.join('、')}的补充说明`
        : !consent ? '请先勾选上方的同意选项' : ''

  const liveError = (e: ApiError | null, left: number) => {
    if (!e) return ''
    if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) return left > 0 ? waitSentence(e, left) : ''
    if (e.code === 'CODE_INVALID' && recentRefused) return RECENT_REFUSED
    if (e.code === 'CONFLICT') {
      // fields name the apps that already have an open case
      const open = apps.filter(a => e.fields[a.id]).map(a => appName(a.label))
      return open.length ? `${open.join('、')}已有处理中的异议申请。` : describeError(e)
    }
    return describeError(e)
  }

  const toggle = (appId: string, on: boolean) => {
    setChosen(prev => {
      const next = { ...prev }
      if (on) next[appId] = prev[appId] ?? { note: '', ...(previousHolder && { kind: 'PREVIOUS_HOLDER' as const }) }
      else delete next[appId]
      return next
    })
    setItemErrors(prev => ({ ...prev, [appId]: '' }))
    clearErrors()
  }
  const setChoice = (appId: string, change: Partial<Choice>) => {
    setChosen(prev => prev[appId] ? { ...prev, [appId]: { ...prev[appId], ...change } } : prev)
    setItemErrors(prev => ({ ...prev, [appId]: '' }))
    clearErrors()
  }
  const submit = async () => {
    const items = picked.map(a => {
      const c = chosen[a.id]
      const note = c.note.trim()
      return { appId: a.id, kind: c.kind as CaseKind, ...(note ? { note } : {}) }
    })
    const body: CaseInput = {
      phone: checked.phone.value,
      idSuffix: checked.idSuffix.value,
      ...(useRecent && recent ? { queryId: recent.queryId } : { code: checked.code.value }),
      consent: true,
      items
    }
    setFormError(null)
    setRecentRefused(false)
    await sending.submit('cases', body, key => createCase(body, key), { accepted: async res => {
      // a query proves the holder for one case only
      if (body.queryId) { forgetQuery(); setRecent(null) }
      // kept with its token; when the device refuses, 已提交 says so (it finds no case to show)
      saveCase({
        caseId: res.caseId,
        ticket: res.ticket,
        accessToken: res.accessToken,
        maskedPhone: res.maskedPhone,
        createdAt: new Date().toISOString(),
        appIds: res.items.map(i => i.appId)
      })
      fields.setValues({ phone: '', idSuffix: '', code: '' })
      setChosen({})
      setConsentedTo(null)
      const q = (k: string, v: string) => `${k}=${encodeURIComponent(v)}`
      await Taro.redirectTo({
        url: `/case/submitted/index?${[q('caseId', res.caseId), q('ticket', res.ticket), q('maskedPhone', res.maskedPhone)].join('&')}`
      })
    }, refused: e => {
      const fieldErrors: Partial<Record<VerifyField, string>> = {}
      for (const f of ['phone', 'idSuffix', 'code'] as VerifyField[]) if (e.fields[f]) fieldErrors[f] = e.fields[f]
      // what the API says about an item: by position (`items.0.note`) or, for CONFLICT, by app id
      const perItem: Record<string, string> = {}
      for (const [k, v] of Object.entries(e.fields)) {
        const m = /^items\.(\d+)(\.|$)/.exec(k)
        const appId = m ? items[Number(m[1])]?.appId : items.find(i => i.appId === k)?.appId
        if (appId) perItem[appId] = perItem[appId] ? `${perItem[appId]}；${v}` : v
      }
      setItemErrors(perItem)
      if (body.queryId && (e.code === 'CODE_INVALID' || e.fields.queryId)) {
        // the query no longer verifies (too old, or another number): a fresh code instead
        forgetQuery()
        setRecent(null)
        setMethod('code')
        setRecentRefused(true)
      } else if (e.code === 'CODE_INVALID') {
        fieldErrors.code = '验证码不正确或已过期'
      }
      fields.setServerErrors(fieldErrors)
      if (e.code === 'RATE_LIMITED' && e.retryAfterSeconds !== undefined) startSubmitWait(e.retryAfterSeconds)
      setFormError(e)
    } })
  }

  const onSubmit = () => {
    if (busy) return
    if (!allValid) { fields.setTouched(ALL_TOUCHED); return }
    void submit()
  }

  const stepOk = (s: Step): boolean => {
    if (s === 'apps') return picked.length > 0 && picked.every(a => chosen[a.id].kind && !noteErrors[a.id])
    if (s === 'phone' || s === 'idSuffix') return !checked[s].error
    return true
  }
  const visible = (s: Step) => !care || STEPS[step] === s
  const lastStep = !care || step === STEPS.length - 1

  const field = (f: VerifyField) => <VerificationField f={f} idPrefix='case-' fields={fields} code={code} disabled={busy} />
  const recentMinutes = recent ? Math.max(1, Math.floor(recent.leftMs / 60_000)) : 0
  const formMessage = liveError(formError, formError?.code === 'RATE_LIMITED' ? submitWait : 0)

  return (
    <View className={`page cases-new ${care ? 'care' : ''}`}>
      <View className='hero'>
        <Text className='hero-title' role='heading' aria-level={1}>异议账号处理</Text>
        <Text className='hero-sub'>
          对结果短信中的账号有异议？选择应用并说明情况，我们把申请转交对应企业。企业仍按其规定核验身份后处理，进展以短信通知您。
        </Text>
      </View>

      {care ? <Text className='step-count' id='case-step-count'>第{step + 1}步，共{STEPS.length}步</Text> : null}

      {visible('apps')
        ? (
          <View>
            <Text className='section-title' role='heading' aria-level={2} id='apps-title'>选择有异议的应用</Text>
            {enterprises === null
              ? catalogueError
                ? (
                  <View className='notice notice-warn' id='catalogue-error' role='alert'>
                    <Text>{catalogueError}</Text>
                    <Button className='btn-default' role='button' tabIndex={0} onClick={reload}>重试</Button>
                  </View>)
                : <Text className='section-title' role='status'>正在加载…</Text>
              : (
                <>
                  <View id='previous-holder' className={`kind ${previousHolder ? 'is-on' : ''}`} role='checkbox' aria-checked={previousHolder ? 'true' : 'false'}
                    tabIndex={0} onClick={busy ? undefined : switchPreviousHolder}>
                    <View className='radio-dot' aria-hidden='true' />
                    <Text>{CASE_KIND_LABELS.PREVIOUS_HOLDER}：结果短信中有“其中N个账号注册于您启用该号码之前”，请企业解除这些账号与您号码的绑定</Text>
                  </View>
                <AppPicker apps={apps} disabled={busy} onToggle={toggle} isChosen={id => Boolean(chosen[id])}
                  hasError={id => Boolean(itemErrors[id] || (chosen[id] ? noteErrors[id] : ''))}>
                  {a => {
                    const c = chosen[a.id]
                    const itemError = itemErrors[a.id] || (c ? noteErrors[a.id] : '')
                    return (
                      <>
                          {c
                            ? (
                              <View className='app-detail'>
                                <Text className='detail-label' id={`kind-${a.id}-label`}>异议类型</Text>
                                <View className='kinds' role='radiogroup' aria-labelledby={`kind-${a.id}-label`}>
                                  {kinds.map(k => (
                                    <View key={k} id={`kind-${a.id}-${k}`} className={`kind ${c.kind === k ? 'is-on' : ''}`} role='radio'
                                      aria-checked={c.kind === k ? 'true' : 'false'} tabIndex={0} onClick={() => setChoice(a.id, { kind: k })}>
                                      <View className='radio-dot' aria-hidden='true' />
                                      <Text>{CASE_KIND_LABELS[k]}</Text>
                                    </View>
                                  ))}
                                </View>
                                <Label className='detail-label' for={process.env.TARO_ENV === 'h5' ? `note-${a.id}-input` : `note-${a.id}`}>
                                  <Text>补充说明（选填）</Text>
                                </Label>
                                <Textarea id={`note-${a.id}`} className='note' maxlength={NOTE_MAX} value={c.note} disabled={busy}
                                  placeholder='如：从未注册过该账号' onInput={e => setChoice(a.id, { note: e.detail.value })}
                                  nativeProps={{
                                    id: `note-${a.id}-input`,
                                    'aria-invalid': itemError ? 'true' : 'false',
                                    'aria-describedby': `note-${a.id}-help${itemError ? ` app-${a.id}-error` : ''}`
                                  }} />
                                <Text className='note-help' id={`note-${a.id}-help`}>
                                  {c.note.length}/{NOTE_MAX}字，请勿填写链接；连续7位以上的数字会被隐去。
                                </Text>
                              </View>)
                            : null}
                          {itemError ? <Text className='field-error' id={`app-${a.id}-error`} role='alert'>{itemError}</Text> : null}
                      </>
                    )
                  }}
                </AppPicker>
                </>)}
          </View>)
        : null}

      {visible('phone') || visible('idSuffix') || visible('verify')
        ? <Text className='section-title' role='heading' aria-level={2}>核验本人身份</Text>
        : null}
      {recent && !recentMatches && (visible('phone') || visible('verify'))
        ? (
          <View className='notice notice-info' id='recent-hint'>
            <Text>您刚完成了{recent.maskedPhone}的查询验证。填写该号码后可直接使用，无需再次获取验证码（约{recentMinutes}分钟内有效）。</Text>
          </View>)
        : null}
      <View className='cells'>
        {visible('phone') ? field('phone') : null}
        {visible('idSuffix') ? field('idSuffix') : null}
        {visible('verify') && recentMatches
          ? (
            <View className='field'>
              <View className='method' role='radiogroup' aria-labelledby='method-label'>
                <Text className='detail-label' id='method-label'>验证方式</Text>
                <View id='method-recent' className={`kind ${method === 'recent' ? 'is-on' : ''}`} role='radio'
                  aria-checked={method === 'recent' ? 'true' : 'false'} tabIndex={0} onClick={() => { setMethod('recent'); clearErrors() }}>
                  <View className='radio-dot' aria-hidden='true' />
                  <Text>使用刚完成的验证（{recent?.maskedPhone}，约{recentMinutes}分钟内有效）</Text>
                </View>
                <View id='method-code' className={`kind ${method === 'code' ? 'is-on' : ''}`} role='radio'
                  aria-checked={method === 'code' ? 'true' : 'false'} tabIndex={0} onClick={() => { setMethod('code'); clearErrors() }}>
                  <View className='radio-dot' aria-hidden='true' />
                  <Text>重新获取短信验证码</Text>
                </View>
              </View>
            </View>)
          : null}
        {visible('verify') && !useRecent
          ? field('code')
          : null}
        {visible('verify') && !useRecent && code.error && liveError(code.error, code.wait)
          ? <Text className='field-error' id='case-send-error' role='alert'>{liveError(code.error, code.wait)}</Text>
          : null}
      </View>
      <View className='live' role='status' aria-live='polite' id='case-live'>
        {code.notice && !useRecent ? <Text className='field-notice' id='case-code-notice'>{code.notice}</Text> : null}
        {submitting && !unknown ? <Text className='sr-only'>正在提交</Text> : null}
      </View>

      {care && !lastStep
        ? (
          <View className='actions'>
            <Button id='case-next-step' className='btn-primary' role='button' tabIndex={0} onClick={() => {
              const s = STEPS[step]
              if (!stepOk(s)) { if (s !== 'apps' && s !== 'verify') fields.touch(s); return }
              setStep(step + 1)
            }}>下一步</Button>
            {care && !lastStep && STEPS[step] === 'apps' && !stepOk('apps') && missing.length
              ? <Text className='submit-hint' id='case-step-hint'>{picked.length ? `请先选择：${missing.filter(m => m.endsWith('异议类型')).join('、')}` : '请先选择要处理的应用'}</Text>
              : null}
            {step > 0 ? <Button id='case-prev-step' className='btn-default' role='button' tabIndex={0} onClick={() => setStep(step - 1)}>上一步</Button> : null}
          </View>)
        : null}

      {lastStep && picked.length
        ? (
          <View className='consent'>
            <CheckboxGroup onChange={e => setConsentedTo(e.detail.value.includes('consent') ? consentText : null)}>
              <Label className='consent-label' id='case-consent'>
                <Checkbox className='consent-box' value='consent' checked={consent} disabled={busy} />
                <Text className='consent-text'>{consentText}</Text>
              </Label>
            </CheckboxGroup>
          </View>)
        : null}

      <OutcomeNotice outcome={unknown} idPrefix='case-' notRepeated='提交' onCheckAgain={() => { void submit() }} />
      {formMessage
        ? (
          <View className='notice notice-warn' id='case-form-error' role='alert'>
            <Text>{formMessage}</Text>
            {formError?.code === 'RATE_LIMITED' ? <Text className='notice-line'>{CASES_PER_DAY_NOTE}</Text> : null}
            {formError?.code === 'CONFLICT'
              ? <Text className='notice-line'>请取消勾选这些应用后再提交，或在“我的工单”中查看进度。</Text>
              : null}
          </View>)
        : null}

      {lastStep
        ? (
          <SubmitActions idPrefix='case-' label='提交异议申请' enabled={allValid} busy={busy} hint={submitHint} care={care}
            onSubmit={onSubmit} onBack={() => setStep(step - 1)} />)
        : null}

      <View className='links'>
        <View className='link-row' id='case-form-my-cases' role='link' tabIndex={0} onClick={() => Taro.navigateTo({ url: '/case/list/index' })}>
          <Text>我的工单</Text><Text className='chevron' aria-hidden='true'>›</Text>
        </View>
      </View>

      <View className='tips'>
        <Text className='tips-title'>说明</Text>
        <Text className='tip'>· “不是本人注册”：该号码下有您不认识的账号；“不再使用”：申请企业解绑该号码或注销账号。</Text>
        <Text className='tip'>· 企业在24小时内受理，5个工作日内处理；是否解绑或注销由企业核验后决定，可能要求您在其App内核验身份。</Text>
        <Text className='tip'>{`· ${LIMIT_NOTES.casesRules}`}</Text>
      </View>
    </View>
  )
}
