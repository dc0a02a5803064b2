// The API's stable error codes and the error body every refusal carries. Apart from index.ts so that the
// wording (messages.ts) can name the codes without importing the module that re-exports it.
import * as z from 'zod/mini'

export const ERROR_CODES = [
  'INVALID_INPUT', 'CODE_INVALID', 'VERIFICATION_FAILED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', 'IDEMPOTENCY_KEY_REUSED', 'RATE_LIMITED', 'UNAVAILABLE', 'SIGNATURE_INVALID', 'CONFLICT'
] as const
export const ErrorCode = z.enum(ERROR_CODES)
export type ErrorCode = z.infer<typeof ErrorCode>

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
    retryAfterSeconds: z.optional(z.number()),
    /** verification failures: tries left before the number is paused */
    triesLeft: z.optional(z.number())
  })
})
export type ErrorBody = z.infer<typeof ErrorBody>
