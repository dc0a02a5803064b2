// The HTTP API contract, shared by the Lambda handlers and the mini-program.
// Written against zod/mini: the mini-program bundles it, and full zod would add ~80 kB to the weapp package.
import * as z from 'zod/mini'

export const PHONE_PATTERN = /^1[3-9]\d{9}$/
export const ID_SUFFIX_PATTERN = /^\d{5}[\dX]$/
export const CODE_PATTERN = /^\d{6}$/

/** People type numbers as "+86 138-0000-5551" or with full-width digits: fold all of that to 11 digits. */
export function normalisePhone (input: string): string {
  const s = input.normalize('NFKC').replace(/[\s\-()]/g, '')
  if (s.startsWith('+86')) return s.slice(3)
  if (s.startsWith('0086')) return s.slice(4)
  if (s.length === 13 && s.startsWith('86')) return s.slice(2)
  return s
}

export function normaliseIdSuffix (input: string): string {
  return input.normalize('NFKC').replace(/\s/g, '').toUpperCase()
}

export function normaliseCode (input: string): string {
  return input.normalize('NFKC').replace(/\s/g, '')
}

/** 13800005551 → 138****5551: the only form in which a number leaves the back end. */
export function maskPhone (phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***'
}

const text = (max: number, message: string) => z.string(message).check(z.maxLength(max, message))

export const Phone = z.pipe(
  text(32, '请输入11位手机号码'),
  z.pipe(z.transform(normalisePhone), z.string().check(z.regex(PHONE_PATTERN, '请输入正确的11位手机号码')))
)
export const IdSuffix = z.pipe(
  text(16, '请输入身份证号码后六位'),
  z.pipe(z.transform(normaliseIdSuffix), z.string().check(z.regex(ID_SUFFIX_PATTERN, '身份证号码后六位应为5位数字加1位数字或X')))
)
export const Code = z.pipe(
  text(16, '请输入6位短信验证码'),
  z.pipe(z.transform(normaliseCode), z.string().check(z.regex(CODE_PATTERN, '请输入6位短信验证码')))
)

export const SendCodeRequest = z.strictObject({ phone: Phone })
export type SendCodeRequest = z.output<typeof SendCodeRequest>

export const SendCodeResponse = z.object({
  maskedPhone: z.string(),
  expiresInSeconds: z.number(),
  resendAfterSeconds: z.number()
})
export type SendCodeResponse = z.infer<typeof SendCodeResponse>

export const SubmitQueryRequest = z.strictObject({
  phone: Phone,
  idSuffix: IdSuffix,
  code: Code,
  consent: z.literal(true, '请阅读并同意个人信息处理规则')
})
export type SubmitQueryRequest = z.output<typeof SubmitQueryRequest>

/**
 * Optional header on POST /v1/verification-codes and POST /v1/queries: a repeat with the same key
 * and the same request gets the first answer (same queryId) and spends nothing; the same key with
 * another request is refused with IDEMPOTENCY_KEY_REUSED. One fresh key per user action.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
export const IdempotencyKey = z.string().check(z.regex(IDEMPOTENCY_KEY_PATTERN, '请求标识应为16至64位字母、数字、下划线或连字符'))

/** SENT: the provider accepted the result SMS; DELIVERED / UNDELIVERED: its delivery receipt came back */
export const QUERY_STATUSES = ['ACCEPTED', 'PROCESSING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED'] as const
/** no further change will come from the back end (a SENT query may still turn DELIVERED or UNDELIVERED) */
export const FINAL_QUERY_STATUSES: readonly QueryStatus[] = ['DELIVERED', 'UNDELIVERED', 'FAILED']
export const QueryStatus = z.enum(QUERY_STATUSES)
export type QueryStatus = z.infer<typeof QueryStatus>

export const SubmitQueryResponse = z.object({
  queryId: z.string(),
  maskedPhone: z.string(),
  status: z.literal('ACCEPTED')
})
export type SubmitQueryResponse = z.infer<typeof SubmitQueryResponse>

export const QUERY_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** What GET /v1/queries/{id} shows: status only. Counts go to the phone by SMS and nowhere else. */
export const QueryView = z.object({
  queryId: z.string(),
  maskedPhone: z.string(),
  status: QueryStatus,
  acceptedAt: z.string(),
  sentAt: z.optional(z.string())
})
export type QueryView = z.infer<typeof QueryView>

export const AccountMode = z.enum(['independent', 'unified'])
export type AccountMode = z.infer<typeof AccountMode>

/** `initials`: the label's pinyin initials (淘宝账号 → tb), for the guide's search without a pinyin library */
export const App = z.object({ id: z.string(), label: z.string(), initials: z.optional(z.string().check(z.regex(/^[a-z0-9]{1,16}$/))) })
export type App = z.infer<typeof App>

export const Guide = z.object({
  /** how to see which accounts exist and their details */
  details: z.array(z.string()),
  /** how to unbind the number or cancel (注销) an account, after the enterprise's own identity check */
  unbind: z.array(z.string()),
  hotline: z.string(),
  url: z.string(),
  notes: z.optional(z.string())
})
export type Guide = z.infer<typeof Guide>

export const Enterprise = z.object({
  id: z.string(),
  name: z.string(),
  /** the name's pinyin initials (阿里巴巴 → albb): the guide's search and its A–Z index */
  initials: z.optional(z.string().check(z.regex(/^[a-z0-9]{1,16}$/))),
  accountMode: AccountMode,
  apps: z.array(App),
  guide: Guide,
  /** numbers it may check per China day on the platform API (sized from its user base); a default otherwise */
  platformDailyNumbers: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000_000)))
})
export type Enterprise = z.infer<typeof Enterprise>

export const EnterprisesResponse = z.object({ enterprises: z.array(Enterprise) })
export type EnterprisesResponse = z.infer<typeof EnterprisesResponse>

export * from './errors'

/** Header with the host's login code: `weapp:<code>` (Taro.login) or `alipay:<code>` (my.getAuthCode). */
export const LOGIN_HEADER = 'X-Yzt-Login'

export * from './messages'
export * from './rules'

/** Local runtime only: the SMS the simulated carrier delivered. */
export const DevSmsResponse = z.object({
  messages: z.array(z.object({ to: z.string(), text: z.string(), createdAt: z.string(), status: z.string() }))
})
export type DevSmsResponse = z.infer<typeof DevSmsResponse>

export const API_PATHS = {
  verificationCodes: '/v1/verification-codes',
  queries: '/v1/queries',
  query: (id: string) => `/v1/queries/${encodeURIComponent(id)}`,
  enterprises: '/v1/enterprises'
} as const

/** Local runtime only; kept out of API_PATHS so production bundles do not carry it. */
export const DEV_SMS_PATH = '/dev/sms'
