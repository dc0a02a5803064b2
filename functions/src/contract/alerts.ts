// Binding alerts (绑定提醒): the holder opts in, verified like a query; enterprises learn only who
// subscribed (HMACs under each one's own key) and report new bindings of those numbers; the holder
// gets an SMS within minutes. The person's side (opt in/out) and the enterprise side (sync, events)
// are both here: the mini-program imports only the first half's names, zod/mini keeps it small.
import * as z from 'zod/mini'
import { Code, IdSuffix, Phone } from './index'

/** The separate consent, word for word (PRODUCT.md "Binding alerts"). */
export const ALERT_CONSENT_TEXT = '我单独同意：开通绑定提醒后，将我的手机号码以加密形式提供给已接入的互联网企业，仅用于在该号码新绑定账号时通知我。'

/** at most this many alert SMS a China day per number; the rest are folded into the next day's first */
export const ALERTS_PER_DAY = 3
/** no alert SMS from 22:00 to 08:00 China time: held, then folded */
export const QUIET_FROM_HOUR = 22
export const QUIET_UNTIL_HOUR = 8

export const ALERT_ACTIONS = ['on', 'off'] as const

/**
 * POST /v1/binding-alerts: on or off, proved like a query (number, ID suffix, the SMS code, which
 * this request consumes). Turning on needs the separate consent; turning off does not.
 */
export const BindingAlertsRequest = z.strictObject({
  phone: Phone,
  idSuffix: IdSuffix,
  code: Code,
  action: z.enum(ALERT_ACTIONS, '请选择开通或关闭'),
  consent: z.optional(z.boolean('请阅读并同意绑定提醒的单独授权'))
}).check(z.refine(x => x.action === 'off' || x.consent === true, { message: '开通绑定提醒需要您单独同意', path: ['consent'] }))
export type BindingAlertsRequest = z.output<typeof BindingAlertsRequest>

export const BindingAlertsResponse = z.object({
  maskedPhone: z.string(),
  alerts: z.enum(['ON', 'OFF'])
})
export type BindingAlertsResponse = z.infer<typeof BindingAlertsResponse>

// ---- the enterprise side ----------------------------------------------------------------------

export const MAX_BINDING_EVENTS = 1000
/** a subscription page holds at most this many HMACs */
export const SUBSCRIPTIONS_PAGE_SIZE = 1000
/** a binding older than this is not news: refused (an alert about last week's binding is noise) */
export const MAX_EVENT_AGE_HOURS = 24

const Instant = z.string().check(z.refine(s => /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), '时间格式应为 ISO 8601（含时区）'))

export const BindingEvent = z.strictObject({
  /** the enterprise's own id for the event: a repeat of the same id changes nothing */
  eventId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, '事件编号格式不正确')),
  phone: Phone,
  /** an app of the calling enterprise (catalogue id) */
  appId: z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, '应用编号格式不正确')),
  /** when the number was bound (ISO 8601 with offset) */
  boundAt: Instant
})
export type BindingEvent = z.output<typeof BindingEvent>

export const BindingEventsRequest = z.strictObject({
  events: z.array(BindingEvent).check(z.minLength(1, '至少一个事件'), z.maxLength(MAX_BINDING_EVENTS, `每批最多${MAX_BINDING_EVENTS}个事件`))
})
export type BindingEventsRequest = z.output<typeof BindingEventsRequest>

/**
 * ACCEPTED: taken (an alert follows when the number subscribed; events for other numbers are dropped
 * on arrival, never stored); DUPLICATE: this event id was taken before; REJECTED: see reason.
 */
export const BINDING_EVENT_OUTCOMES = ['ACCEPTED', 'DUPLICATE', 'REJECTED'] as const
export const BindingEventResult = z.object({
  eventId: z.string(),
  outcome: z.enum(BINDING_EVENT_OUTCOMES),
  /** REJECTED: BOUND_AT_IN_FUTURE | TOO_OLD */
  reason: z.optional(z.string())
})
export type BindingEventResult = z.infer<typeof BindingEventResult>
export const BindingEventsResponse = z.object({ results: z.array(BindingEventResult) })
export type BindingEventsResponse = z.infer<typeof BindingEventsResponse>

/**
 * GET /v1/enterprise-sync/binding-subscriptions?cursor=…: the subscribed numbers, each as
 * HMAC-SHA256(the enterprise's key, "binding-subscription\0" + number) in hex. A sync reads every page
 * and replaces the enterprise's set; `nextCursor` is absent on the last page.
 */
export const SubscriptionsPage = z.object({
  subscriptions: z.array(z.object({ hmac: z.string(), since: z.string() })),
  nextCursor: z.optional(z.string())
})
export type SubscriptionsPage = z.infer<typeof SubscriptionsPage>

export const CURSOR_PATTERN = /^\d{1,16}\.[0-9a-f]{64}$/

export const ALERT_PATHS = {
  bindingAlerts: '/v1/binding-alerts',
  bindingEvents: '/v1/enterprise-events/bindings',
  subscriptions: '/v1/enterprise-sync/binding-subscriptions'
} as const

/** What the alert SMS leads to: the case form for that app, kind NOT_MINE, in one step. */
export function alertCaseLink (appId: string): string {
  return `/case/new/index?kind=NOT_MINE&appId=${encodeURIComponent(appId)}`
}
