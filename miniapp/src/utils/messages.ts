import { errorMessage } from '@yzt/functions/contract'
import type { ApiError } from '../services/api'

export { formatWait } from '@yzt/functions/contract'

/**
 * The sentence for a failure, from the contract's table (the same words the API sends). `secondsLeft`
 * replaces the answer's retryAfterSeconds while a countdown runs, so the text never goes stale.
 */
export function describeError (e: ApiError, secondsLeft?: number): string {
  return errorMessage(e.code, { retryAfterSeconds: secondsLeft ?? e.retryAfterSeconds, triesLeft: e.triesLeft })
}
