import type { ApiError } from '../services/api'

/** 75 → "1分15秒", 3600 → "60分钟": waits read better in minutes once they pass a minute. */
export function formatWait (seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return `${s}秒`
  const m = Math.floor(s / 60)
  const rest = s % 60
  return rest === 0 ? `${m}分钟` : `${m}分${rest}秒`
}

// The API's own message is for developers and may change; people get wording chosen here, by code.
export function describeError (e: ApiError): string {
  switch (e.code) {
    case 'VERIFICATION_FAILED':
      return '手机号码与身份证号码后六位不匹配，或该号码未实名登记。请核对后重试。'
    case 'CODE_INVALID':
      return '短信验证码不正确或已过期，请核对，或重新获取验证码。'
    case 'RATE_LIMITED':
      return e.retryAfterSeconds !== undefined
        ? `操作过于频繁，请${formatWait(e.retryAfterSeconds)}后再试。`
        : '操作过于频繁，请稍后再试。'
    case 'UNAVAILABLE':
      return '查询服务暂时不可用，请稍后再试。'
    case 'INVALID_INPUT':
      return '填写的信息有误，请按提示修改。'
    case 'NETWORK':
      return '网络连接失败，请检查网络后重试。'
    case 'NOT_FOUND':
      return '未找到该查询记录，可能已过期。'
    default:
      return '服务出现异常，请稍后再试。'
  }
}

/** "7月21日 00:30:05" in China time. By hand: mini-program engines do not all carry time-zone data. */
export function formatChinaTime (iso: string): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  const d = new Date(t + 8 * 3600_000)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}
