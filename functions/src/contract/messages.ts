// The one source of user-facing wording for failures: the API takes its error messages from here and the
// mini-program shows the same words, so a person never reads two different sentences for one failure.
import type { ErrorCode } from './index'

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
