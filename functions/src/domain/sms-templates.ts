// Every SMS we send, as a template and named parameters. In mainland China an operator registers a
// signature (签名) and each template text with the SMS provider, and a send names the template and
// its parameters; SNS and the local inbox get the same text rendered here, so one registry is the
// truth for the providers, the local runtime and the tests. The texts are PRODUCT.md's, word for word.
// Adding a message is one entry in smsTemplates(); the operator registers its text (infra/README.md).
import type { Catalogue } from '#catalogue/index'
import type { QueryResults } from '#ports'
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

export function smsTemplates (catalogue: Catalogue) {
  return {
    code: template('您的验证码为{code}，5分钟内有效，请勿泄露。'),
    result: template(resultText(catalogue)),
    // number lifecycle: a re-issued number whose holder has accounts older than the holding
    resultReissued: template(`${resultText(catalogue)}其中{olderAccounts}个账号注册于您启用该号码之前，可能属于号码的前任使用者，可在小程序“异议账号处理”中申请解绑。`),
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
    caseUpdates: template('工单{ticket}：{updates}。')
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

/** accounts bound before the holder got the number: per app, all minus those since (only where both are known) */
export function olderAccounts (results: QueryResults, resultsSince: Record<string, number> | undefined): number {
  let older = 0
  for (const [appId, since] of Object.entries(resultsSince ?? {})) {
    const all = results[appId]
    if (typeof all === 'number') older += all - since
  }
  return older
}
