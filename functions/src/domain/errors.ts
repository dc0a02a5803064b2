// Domain failures named by their stable API code. The domain says what happened; the HTTP edge
// (lib/http.ts) maps the code to a status, and the words come from the contract's message table.
import { errorMessage, type ErrorCode } from '#contract/index'

export class AppError extends Error {
  constructor (
    readonly code: ErrorCode,
    readonly details: { fields?: Record<string, string>, retryAfterSeconds?: number, triesLeft?: number, message?: string } = {}
  ) {
    // wording comes from the contract's table (#contract/messages), shared with the mini-program
    super(details.message ?? errorMessage(code, details))
  }
}

export function rateLimited (retryAfterSeconds: number, message?: string): AppError {
  return new AppError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), message })
}

/** the wait a lost race asks for: the racers are done within a second */
export const CONTENDED_RETRY_AFTER_SECONDS = 1

/** every round of an optimistic write lost its race (pacing.ts retryOnConflict): a 429 with a short wait, never a 5xx */
export function contended (): AppError {
  return rateLimited(CONTENDED_RETRY_AFTER_SECONDS)
}
