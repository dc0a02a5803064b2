// Domain failures with their stable API code. The HTTP edge maps them; nothing else builds error bodies.
// Status by code here, message by code from the contract's table.
import { errorMessage, type ErrorCode } from '#contract/index'

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  CODE_INVALID: 401,
  VERIFICATION_FAILED: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  SIGNATURE_INVALID: 401
}


export class AppError extends Error {
  readonly status: number
  constructor (
    readonly code: ErrorCode,
    readonly details: { fields?: Record<string, string>, retryAfterSeconds?: number, triesLeft?: number, message?: string } = {}
  ) {
    // wording comes from the contract's table (#contract/messages), shared with the mini-program
    super(details.message ?? errorMessage(code, details))
    this.status = STATUS[code]
  }
}

export function rateLimited (retryAfterSeconds: number, message?: string): AppError {
  return new AppError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), message })
}
