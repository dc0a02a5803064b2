// Every SMS we send, as a template and named parameters. In mainland China an operator registers a
// signature (签名) and each template text with the SMS provider, and a send names the template and
// its parameters; SNS and the local inbox get the same text rendered here, so one registry is the
// truth for the providers, the local runtime and the tests. The texts are PRODUCT.md's, word for word.
// Adding a message is one entry in smsTemplates(); the operator registers its text (infra/README.md).
import type { Catalogue } from '#catalogue/index'
// from the leaf port file, not `#ports`: the SMS ports name SmsContent (below), and the index would close a cycle
import type { QueryResults } from './ports/result-codes'
import { chinaMonthDay } from './china-time'

/** the signature as it appears before the text; providers take the name inside the brackets */
export const DEFAULT_SIGNATURE = '【一证通查】'

export interface SmsTemplate {
  /** the body after the signature; {name} marks a parameter */
  readonly text: string
  /** parameter names in the order they appear (Tencent Cloud numbers them {1}, {2}, … in this order) */
  readonly params: readonly string[]
}

function template (text: string): SmsTemplate {
  const params = [...text.matchAll(/\{(\w+)\}/g)].map(m => m[1]!)
  if (new Set(params).size !== params.length) throw new Error(`SMS template repeats a parameter: ${text}`)
  return { text, params }
}

/** the result SMS names each app of the catalogue: a ninth enterprise changes this template, which the operator re-registers */
function resultText (catalogue: Catalogue): string {
  const apps = catalogue.apps.map(app => `${app.label}{${app.id}}`).join('、')
  return `截至{date}，您名下尾号为{tail}的电话卡所注册的互联网账号如下：${apps}。`
}

const OLDER_ACCOUNTS = '其中{olderAccounts}个账号注册于您启用该号码之前，可能属于号码的前任使用者，可在小程序“异议账号处理”中申请解绑。'

function summaryText (unavailable: boolean, reissued: boolean): string {
  return '截至{date}，您名下尾号为{tail}的电话卡在已接入的{total}个互联网应用中，{withAccounts}个应用注册了账号，共{accounts}个' +
    (unavailable ? '；{unavailable}个应用暂无法查询' : '') + '。' +
    (reissued ? OLDER_ACCOUNTS : '') +
    '明细请在“一证通查”小程序输入结果码{resultCode}查看，24小时内有效，请勿告诉他人。'
}

export function smsTemplates (catalogue: Catalogue) {
  return {
    code: template('您的验证码为{code}，5分钟内有效，请勿泄露。'),
    result: template(resultText(catalogue)),
    // number lifecycle: a re-issued number whose holder has accounts older than the holding
    resultReissued: template(`${resultText(catalogue)}${OLDER_ACCOUNTS}`),
    // the summary forms (PRODUCT.md "Coverage at national scale"): once the full text would not fit in
    // 3 segments, short variables only and a result code that opens the counts in the mini-program;
    // one registered text per combination of the unavailable clause and the re-issued-number sentence
    resultSummary: template(summaryText(false, false)),
    resultSummaryUnavailable: template(summaryText(true, false)),
    resultSummaryReissued: template(summaryText(false, true)),
    resultSummaryReissuedUnavailable: template(summaryText(true, true)),
    // resolution cases; {apps} and {app} are SMS labels without “账号”, joined by 、
    caseAccepted: template('您的异议申请已受理，工单号{ticket}，涉及{apps}，企业将在5个工作日内处理，结果将短信通知您。'),
    // the new holder of a re-issued number (前任账号解绑)
    casePreviousHolderAccepted: template('您的前任账号解绑申请已受理，工单号{ticket}，涉及{apps}，企业将在5个工作日内解除该号码与前任使用者账号的绑定，结果将短信通知您。'),
    caseResolved: template('工单{ticket}：{app}已处理，{outcome}。'),
    caseNeedsAction: template('工单{ticket}：{app}需要您在其App内完成身份核验后继续处理，请在小程序“我的工单”中查看指引。'),
    caseRejected: template('工单{ticket}：{app}未能处理您的申请（{reason}）。如有疑问请致电{hotline}。'),
    caseOverdue: template('工单{ticket}：{app}未在期限内处理您的申请，请致电{hotline}并提供工单号。'),
    // several updates of one case within an hour, in one SMS: each update above without its ticket
    // prefix and full stop, joined by "；" (PRODUCT.md); the operator registers it like the others
    caseUpdates: template('工单{ticket}：{updates}。'),
    // binding alerts (PRODUCT.md "Binding alerts"): one confirmation each way, then the alerts; {app}
    // and {apps} are SMS labels without “账号”, {time} "12月8日9:05" and {date} "12月8日" in China time
    alertsOn: template('您已开通一证通查绑定提醒：有互联网应用新绑定尾号{tail}的号码时，我们将短信告知您。可在小程序内关闭。'),
    alertsOff: template('您已关闭一证通查绑定提醒，尾号{tail}的号码将不再收到新绑定通知。'),
    bindingAlert: template('{app}于{time}新绑定了您尾号{tail}的号码。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。'),
    // several in one SMS (the daily cap, or after quiet hours): the first two apps, then how many
    bindingAlerts: template('{apps}等{count}个应用新绑定了您尾号{tail}的号码（{date}）。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。')
  } as const satisfies Record<string, SmsTemplate>
}

export type SmsTemplates = ReturnType<typeof smsTemplates>
export type SmsTemplateId = keyof SmsTemplates

/** what an outbox row holds instead of free text */
export interface SmsContent {
  template: SmsTemplateId
  params: Record<string, string>
}

/** The one place a template becomes text: every parameter present, none extra. */
export function renderSms (templates: SmsTemplates, sms: SmsContent, signature = DEFAULT_SIGNATURE): string {
  const t: SmsTemplate | undefined = templates[sms.template]
  if (!t) throw new Error(`unknown SMS template ${sms.template}`)
  const extra = Object.keys(sms.params).filter(p => !t.params.includes(p))
  const missing = t.params.filter(p => typeof sms.params[p] !== 'string')
  if (extra.length || missing.length) throw new Error(`SMS ${sms.template}: missing [${missing.join(',')}] extra [${extra.join(',')}]`)
  return signature + t.text.replace(/\{(\w+)\}/g, (_, name: string) => sms.params[name]!)
}

/** the provider's sign name: the signature without its brackets */
export function signName (signature = DEFAULT_SIGNATURE): string {
  return signature.replace(/^【|】$/g, '')
}

/** The code SMS. Both writers of a code row (the verification store, any future one) take it from here. */
export function codeSms (code: string): SmsContent {
  return { template: 'code', params: { code } }
}

/** The result SMS: date in China time, last four digits, and per app "N个" or "暂无法查询" (never "0个" for no answer). */
export function resultSms (input: { catalogue: Catalogue, phone: string, results: QueryResults, processedAt: number, olderAccounts?: number }): SmsContent {
  const params: Record<string, string> = { date: chinaMonthDay(input.processedAt), tail: input.phone.slice(-4) }
  for (const app of input.catalogue.apps) {
    const n = input.results[app.id]
    params[app.id] = typeof n === 'number' ? `${n}个` : '暂无法查询'
  }
  // a re-issued number's holder: the seed's text word for word, then one sentence about the accounts that predate them
  if (input.olderAccounts) return { template: 'resultReissued', params: { ...params, olderAccounts: String(input.olderAccounts) } }
  return { template: 'result', params }
}

/** the whole SMS, signature included, fits in 3 segments of 67 characters: the full form is sent while it does */
export const FULL_FORM_MAX_CHARS = 3 * 67

/** the summary form: totals only, and the code that opens the counts per app (domain/query-details) */
export function resultSummarySms (input: { phone: string, results: QueryResults, processedAt: number, olderAccounts?: number, resultCode: string }): SmsContent {
  const values = Object.values(input.results)
  const counts = values.filter((n): n is number => typeof n === 'number')
  const unavailable = values.length - counts.length
  const params: Record<string, string> = {
    date: chinaMonthDay(input.processedAt),
    tail: input.phone.slice(-4),
    total: String(values.length),
    withAccounts: String(counts.filter(n => n > 0).length),
    accounts: String(counts.reduce((a, b) => a + b, 0)),
    ...(unavailable > 0 && { unavailable: String(unavailable) }),
    ...(input.olderAccounts ? { olderAccounts: String(input.olderAccounts) } : {}),
    resultCode: input.resultCode
  }
  const template = `resultSummary${input.olderAccounts ? 'Reissued' : ''}${unavailable > 0 ? 'Unavailable' : ''}` as const
  return { template, params }
}

/**
 * Which form a query's result SMS takes: the full one (the seed's text) while the rendered SMS fits in
 * FULL_FORM_MAX_CHARS, else the summary with a fresh result code (returned, so it can be stored hashed).
 */
export function chooseResultSms (
  templates: SmsTemplates,
  input: { catalogue: Catalogue, phone: string, results: QueryResults, processedAt: number, olderAccounts?: number },
  newResultCode: () => string,
  signature = DEFAULT_SIGNATURE
): { sms: SmsContent, resultCode?: string } {
  const full = resultSms(input)
  if (renderSms(templates, full, signature).length <= FULL_FORM_MAX_CHARS) return { sms: full }
  // every catalogue app counts in the totals: an app missing from the results was not answered
  const results: QueryResults = Object.fromEntries(input.catalogue.apps.map(app => [app.id, input.results[app.id] ?? 'unavailable']))
  const resultCode = newResultCode()
  return { sms: resultSummarySms({ ...input, results, resultCode }), resultCode }
}

/** accounts bound before the holder got the number: per app, all minus those since (only where both are known) */
export function olderAccounts (results: QueryResults, resultsSince: Record<string, number> | undefined): number {
  let older = 0
  for (const [appId, since] of Object.entries(resultsSince ?? {})) {
    const all = results[appId]
    if (typeof all === 'number') older += all - since
  }
  return older
}
