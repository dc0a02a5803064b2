// One table of user-facing wording: every API error code has a Chinese sentence, and the HTTP edge
// sends exactly that sentence (the mini-program shows the same one).
import { ERROR_CODES, ERROR_MESSAGES, errorMessage, ErrorBody } from '#contract/index'
import { AppError } from '#domain/errors'
import { errorResult } from '#lib/http'

test('every error code has a Chinese message', () => {
  for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code]).toMatch(/[\u4e00-\u9fff]/)
})

test('the edge takes status and message by code, from the shared table', () => {
  const res = errorResult(new AppError('IDEMPOTENCY_KEY_REUSED'))
  expect(res.statusCode).toBe(422)
  expect(JSON.parse(res.body)).toEqual({ error: { code: 'IDEMPOTENCY_KEY_REUSED', message: ERROR_MESSAGES.IDEMPOTENCY_KEY_REUSED } })
})

test('tries left travel in the body and in the sentence', () => {
  const res = errorResult(new AppError('VERIFICATION_FAILED', { triesLeft: 2 }))
  const body = ErrorBody.parse(JSON.parse(res.body))
  expect(body.error.triesLeft).toBe(2)
  expect(body.error.message).toBe(`${ERROR_MESSAGES.VERIFICATION_FAILED}还可尝试2次。`)
  expect(errorMessage('VERIFICATION_FAILED', { triesLeft: 0 })).toContain('已无剩余尝试次数')
})

test('a rate limit names the wait', () => {
  expect(errorMessage('RATE_LIMITED', { retryAfterSeconds: 75 })).toBe('操作过于频繁，请1分15秒后再试。')
  expect(errorMessage('RATE_LIMITED', { retryAfterSeconds: 0 })).toBe(ERROR_MESSAGES.RATE_LIMITED)
})
