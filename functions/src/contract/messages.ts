// The one source of user-facing wording for failures: the API takes its error messages from here and the
// mini-program shows the same words, so a person never reads two different sentences for one failure.
// Figures in a sentence come from the rules that enforce them (rules.ts), never typed again.
import type { ErrorCode } from './errors'
import { PUBLIC_LIMITS } from './rules'

/** What went wrong before an API answer could be read: the mini-program's own codes. */
export type ClientErrorCode = 'NETWORK' | 'OUTCOME_UNKNOWN' | 'BAD_RESPONSE'

export const ERROR_MESSAGES: Record<ErrorCode | ClientErrorCode, string> = {
  INVALID_INPUT: '填写的信息有误，请按提示修改。',
  CODE_INVALID: '短信验证码不正确或已过期，请核对，或重新获取验证码。',
  VERIFICATION_FAILED: '身份核验未通过：手机号码与身份证号码后六位不匹配，或该号码未实名登记。请核对后重试。',
  NOT_FOUND: '未找到该查询记录，可能已过期。',
  PAYLOAD_TOO_LARGE: '提交的内容过大。',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不正确，请使用 JSON。',
  RATE_LIMITED: '操作过于频繁，请稍后再试。',
  UNAVAILABLE: '查询服务暂时不可用，请稍后再试。',
  IDEMPOTENCY_KEY_REUSED: '本次提交与之前的提交内容不同，请重新提交。',
  SIGNATURE_INVALID: '请求签名无效、已过期或已使用。',
  CONFLICT: '当前状态不允许此操作。',
  NETWORK: '网络连接失败，请检查网络后重试。',
  OUTCOME_UNKNOWN: '网络不稳定，暂不确定是否已提交成功，正在重新确认，请勿离开本页。',
  BAD_RESPONSE: '服务出现异常，请稍后再试。'
}

/** 75 → "1分15秒", 3600 → "60分钟": waits read better in minutes once they pass a minute. */
export function formatWait (seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return `${s}秒`
  const m = Math.floor(s / 60)
  const rest = s % 60
  return rest === 0 ? `${m}分钟` : `${m}分${rest}秒`
}

/** rounded up to its unit: "45秒", "5分钟" (up to an hour), "24小时" — for waits said in passing */
export function roughWait (seconds: number): string {
  if (seconds < 60) return `${seconds}秒`
  if (seconds < 3600) return `${Math.ceil(seconds / 60)}分钟`
  return `${Math.ceil(seconds / 3600)}小时`
}

const hours = (spec: { windowSeconds: number }) => spec.windowSeconds / 3600
const { queryDaily, caseDaily, recentVerificationMinutes } = PUBLIC_LIMITS

/** The refusals whose words say more than the code's sentence: the API's messages, the mini-program's notes. */
export const REFUSALS = {
  codeNumberCeiling: '该号码获取验证码次数已达上限，最近一条短信中的验证码仍然有效',
  codeCooldown: (seconds: number) => `验证码已发送，请${seconds}秒后再试`,
  codeTooMany: (seconds: number) => `获取验证码次数过多，请${roughWait(seconds)}后再试`,
  verifyTooMany: (seconds: number) => `核验未通过次数过多，请${roughWait(seconds)}后再试`,
  queriesPerDay: `每个号码${hours(queryDaily)}小时内最多查询${queryDaily.ceiling}次，请稍后再试`,
  /** the API: a recent query no longer proves the holder */
  recentProofGone: `刚才的验证已超过${recentVerificationMinutes}分钟或已使用，请重新获取短信验证码。`,
  /** the mini-program, beside the same refusal: the way on is a fresh code */
  recentProofGoneHere: `刚才的验证已超过${recentVerificationMinutes}分钟或已用于其他申请，请获取短信验证码后重新提交。`,
  noteLink: '备注不能包含链接',
  noteTooLong: (max: number) => `备注不超过${max}字`,
  /** "请1200分钟后再试" reads badly: a wait of an hour or more is said in hours */
  rateLimitedHours: (seconds: number) => `操作过于频繁，请约${roughWait(seconds)}后再试。`
} as const

const casesPerDay = `每个号码${hours(caseDaily)}小时内最多提交${caseDaily.ceiling}次异议申请`

/** The limits said beside a refusal and in the pages' notes. */
export const LIMIT_NOTES = {
  queriesPerDay: `每个号码${hours(queryDaily)}小时内最多查询${queryDaily.ceiling}次。`,
  casesPerDay: `${casesPerDay}。`,
  /** the case form's tip: the daily limit and the one-open-case-per-app rule */
  casesRules: `${casesPerDay}；同一应用已有处理中的申请时不能重复提交。`
} as const

/** Why a number may not be re-issued yet (GET …/reissue-readiness `reasons`), for the carrier's staff. */
export const READINESS_REASONS = {
  unknown: '无该号码的记录',
  notCancelled: '号码未销号',
  /** `from`: the China date from which it may be re-issued */
  quiet: (days: number, from: string) => `销号未满${days}天（${from}起可重新放号）`,
  /** `by`: the China date of the enterprise's deadline */
  unconfirmed: (enterpriseName: string, by: string) => `${enterpriseName}尚未确认清理绑定（期限${by}）`
} as const

/**
 * The sentence for a failure, with what the answer says about waiting or tries left.
 * The mini-program passes the seconds still left (counting down), the API the full wait.
 */
export function errorMessage (
  code: ErrorCode | ClientErrorCode,
  details: { retryAfterSeconds?: number, triesLeft?: number } = {}
): string {
  const base = ERROR_MESSAGES[code] ?? ERROR_MESSAGES.BAD_RESPONSE
  if (code === 'RATE_LIMITED' && details.retryAfterSeconds !== undefined && details.retryAfterSeconds > 0) {
    return `操作过于频繁，请${formatWait(details.retryAfterSeconds)}后再试。`
  }
  if (details.triesLeft !== undefined && (code === 'VERIFICATION_FAILED' || code === 'CODE_INVALID')) {
    return details.triesLeft > 0
      ? `${base}还可尝试${details.triesLeft}次。`
      : `${base}已无剩余尝试次数，请稍后再试。`
  }
  return base
}
