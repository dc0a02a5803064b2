// Resolution cases (异议账号处理): the person's routes and the enterprises' dispute protocol.
// zod/mini like the rest of the contract: the mini-program bundles it.
import * as z from 'zod/mini'
import { Code, IdSuffix, Phone, QUERY_ID_PATTERN } from './index'

/**
 * PREVIOUS_HOLDER (前任账号解绑): the current holder of a re-issued number asks the enterprise to unbind
 * the number from the previous holder's account (never to close it, never to reveal it); only the
 * verified holder of a number flagged re-issued may ask, in a case of its own
 */
export const CASE_KINDS = ['NOT_MINE', 'NO_LONGER_USED', 'PREVIOUS_HOLDER'] as const
export const CaseKind = z.enum(CASE_KINDS)
export type CaseKind = z.infer<typeof CaseKind>

/** what the mini-program shows for each kind */
export const CASE_KIND_LABELS: Record<CaseKind, string> = {
  NOT_MINE: '不是本人注册',
  NO_LONGER_USED: '不再使用，申请解绑/注销',
  PREVIOUS_HOLDER: '前任账号解绑'
}

export const ITEM_STATUSES = ['SUBMITTED', 'FORWARDED', 'ACKNOWLEDGED', 'NEEDS_USER_ACTION', 'RESOLVED', 'REJECTED', 'OVERDUE'] as const
export const ItemStatus = z.enum(ITEM_STATUSES)
export type ItemStatus = z.infer<typeof ItemStatus>

/** the enterprise has answered for good: nothing more will happen to the item */
export const FINAL_ITEM_STATUSES: readonly ItemStatus[] = ['RESOLVED', 'REJECTED']

export const RESOLVE_ACTIONS = ['UNBOUND', 'CANCELLED', 'NONE_FOUND'] as const
export const ResolveAction = z.enum(RESOLVE_ACTIONS)
export type ResolveAction = z.infer<typeof ResolveAction>

export const NOTE_MAX = 200
export const CASE_ID_PATTERN = QUERY_ID_PATTERN
export const TICKET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
export const TICKET_PATTERN = /^YZT-\d{8}-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/
/** an item is its case and its app: `{caseId}.{appId}` */
export const ITEM_ID_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.([a-z0-9_-]{1,32})$/

export const CaseItemRequest = z.strictObject({
  appId: z.string('请选择应用').check(z.minLength(1, '请选择应用'), z.maxLength(32, '请选择应用')),
  kind: z.enum(CASE_KINDS, '请选择异议类型'),
  note: z.optional(z.string('备注应为文字').check(z.maxLength(NOTE_MAX, `备注不超过${NOTE_MAX}字`)))
})
export type CaseItemRequest = z.output<typeof CaseItemRequest>

/**
 * The person proves again that they hold the number: number, ID suffix, and either a fresh SMS code
 * or the id of a query they submitted within the last 10 minutes (a verification that just succeeded).
 * `consent` is the separate consent to forward the number to the chosen enterprises.
 */
export const CreateCaseRequest = z.strictObject({
  phone: Phone,
  idSuffix: IdSuffix,
  code: z.optional(Code),
  queryId: z.optional(z.string().check(z.regex(QUERY_ID_PATTERN, '查询编号格式不正确'))),
  consent: z.literal(true, '请阅读并单独同意将手机号码提供给所选企业'),
  items: z.array(CaseItemRequest).check(z.minLength(1, '请至少选择一个应用'), z.maxLength(32, '应用过多'))
})
export type CreateCaseRequest = z.output<typeof CreateCaseRequest>

export const CaseItemSummary = z.object({ itemId: z.string(), appId: z.string(), enterpriseId: z.string(), status: ItemStatus })

export const CreateCaseResponse = z.object({
  caseId: z.string(),
  ticket: z.string(),
  /** shown once; the mini-program keeps it with the ticket; GET /v1/cases/{caseId} needs it as a bearer token */
  accessToken: z.string(),
  maskedPhone: z.string(),
  items: z.array(CaseItemSummary)
})
export type CreateCaseResponse = z.infer<typeof CreateCaseResponse>

export const CaseItemView = z.object({
  itemId: z.string(),
  appId: z.string(),
  enterpriseId: z.string(),
  kind: CaseKind,
  status: ItemStatus,
  submittedAt: z.string(),
  forwardedAt: z.optional(z.string()),
  acknowledgedAt: z.optional(z.string()),
  answeredAt: z.optional(z.string()),
  overdueAt: z.optional(z.string()),
  acknowledgeBy: z.string(),
  resolveBy: z.string(),
  /** RESOLVED: what the enterprise did (never how many accounts) */
  action: z.optional(ResolveAction),
  /** NEEDS_USER_ACTION: the enterprise's instructions and link */
  instructions: z.optional(z.string()),
  link: z.optional(z.string()),
  /** REJECTED: the enterprise's public message */
  message: z.optional(z.string()),
  /** OVERDUE or REJECTED: whom to call */
  hotline: z.optional(z.string())
})
export type CaseItemView = z.infer<typeof CaseItemView>

/** GET /v1/cases/{caseId}: never counts, never the number */
export const CaseView = z.object({
  caseId: z.string(),
  ticket: z.string(),
  maskedPhone: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  items: z.array(CaseItemView)
})
export type CaseView = z.infer<typeof CaseView>

export const CASE_PATHS = {
  cases: '/v1/cases',
  case: (id: string) => `/v1/cases/${encodeURIComponent(id)}`,
  disputeCallback: (itemId: string) => `/v1/enterprise-callbacks/disputes/${encodeURIComponent(itemId)}`
} as const

/** The separate consent, word for word (PRODUCT.md), with the chosen enterprises' names. */
export function caseConsentText (enterpriseNames: readonly string[]): string {
  return `我单独同意：为处理本次异议申请，将我的手机号码提供给所选企业（${enterpriseNames.join('、')}），用于核查和处理该号码注册的账号。`
}

/** "淘宝账号" → "淘宝": case SMS and pages name apps by their label without 账号 */
export function appName (label: string): string {
  return label.replace(/账号$/, '')
}
