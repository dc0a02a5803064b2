// Domain failures with their stable API code. The HTTP edge maps them; nothing else builds error bodies.
import type { ErrorCode } from '#contract/index'

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  CODE_INVALID: 401,
  VERIFICATION_FAILED: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  SIGNATURE_INVALID: 401
}

const MESSAGE: Record<ErrorCode, string> = {
  INVALID_INPUT: '输入信息有误，请检查后重试',
  CODE_INVALID: '验证码错误或已失效，请重新获取',
  VERIFICATION_FAILED: '身份核验未通过，请确认手机号码与身份证号码后六位是否正确',
  NOT_FOUND: '未找到该查询记录',
  PAYLOAD_TOO_LARGE: '请求内容过大',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不正确，请使用 JSON',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  UNAVAILABLE: '服务暂时不可用，请稍后再试',
  SIGNATURE_INVALID: '请求签名无效、已过期或已使用'
}

export class AppError extends Error {
  readonly status: number
  constructor (
    readonly code: ErrorCode,
    readonly details: { fields?: Record<string, string>, retryAfterSeconds?: number, message?: string } = {}
  ) {
    super(details.message ?? MESSAGE[code])
    this.status = STATUS[code]
  }
}

export function rateLimited (retryAfterSeconds: number, message?: string): AppError {
  return new AppError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), message })
}
