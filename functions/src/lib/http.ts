// The one HTTP edge: content type and size checks, JSON parsing, schema validation, and the single
// mapping from failures to {"error":{code,message,fields}}. Handlers never build an error body.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda'
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey, type ErrorBody, type ErrorCode } from '#contract/index'
import { AppError } from '#domain/errors'
import { logger } from './logger'
import { publishMetrics } from './metrics'

export const MAX_BODY_BYTES = 4096

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number, body: string }

interface Issue { path: PropertyKey[], message: string, code: string, keys?: string[] }
export interface Schema<T> {
  safeParse (input: unknown): { success: true, data: T } | { success: false, error: { issues: Issue[] } }
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff'
}

export function json (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) }
}

/** The one mapping from what happened (the domain's code) to an HTTP status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  CODE_INVALID: 401,
  SIGNATURE_INVALID: 401,
  VERIFICATION_FAILED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503
}

export function errorResult (err: AppError): HttpResult {
  const body: ErrorBody = { error: { code: err.code, message: err.message } }
  if (err.details.fields) body.error.fields = err.details.fields
  const headers: Record<string, string> = {}
  if (err.details.retryAfterSeconds !== undefined) {
    body.error.retryAfterSeconds = err.details.retryAfterSeconds
    headers['retry-after'] = String(err.details.retryAfterSeconds)
  }
  if (err.details.triesLeft !== undefined) body.error.triesLeft = err.details.triesLeft
  return json(HTTP_STATUS[err.code], body, headers)
}

export interface RouteSpec<T> {
  /** POST routes: the request body schema */
  body?: Schema<T>
  status: number
  /** the body cap, when a route needs more than MAX_BODY_BYTES (a provider's batch of receipts) */
  maxBodyBytes?: number
}

export function httpRoute<T = undefined> (
  spec: RouteSpec<T>,
  run: (input: { body: T, event: APIGatewayProxyEventV2 }) => Promise<unknown>
): (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult> {
  return async (event, context) => {
    // request id and cold start on every line of this invocation (the local runtime passes no context)
    if (context) logger.addContext(context)
    return answer(event, async () => {
      const body = spec.body ? parseBody(event, spec.body, spec.maxBodyBytes) : undefined as T
      return json(spec.status, await run({ body, event }))
    })
  }
}

/**
 * The one way a route's work becomes an answer: a domain refusal is its error body, anything else
 * is logged and answered UNAVAILABLE (never a stack trace), and what the route counted is published.
 */
export async function answer (event: APIGatewayProxyEventV2, work: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof AppError) return errorResult(err)
    logger.error('request failed', { route: event.routeKey, error: err as Error })
    return errorResult(new AppError('UNAVAILABLE'))
  } finally {
    publishMetrics()
  }
}

export function parseBody<T> (event: APIGatewayProxyEventV2, schema: Schema<T>, maxBytes = MAX_BODY_BYTES): T {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase()
  if (!/^application\/json\s*(;|$)/.test(contentType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE')
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE')
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new AppError('INVALID_INPUT', { fields: { body: '请求内容不是有效的 JSON' } })
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new AppError('INVALID_INPUT', { fields: fieldErrors(parsed.error.issues) })
}

function fieldErrors (issues: Issue[]): Record<string, string> {
  // no prototype: an unknown field named `__proto__` or `constructor` is named like any other
  const fields: Record<string, string> = Object.create(null)
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys ?? []) fields[key.slice(0, 64)] ??= '不支持的字段'
      continue
    }
    const field = issue.path.length ? String(issue.path[0]) : 'body'
    fields[field] ??= field === 'body' ? '请求内容应为 JSON 对象' : issue.message
  }
  return fields
}

/** the address API Gateway saw the connection come from; X-Forwarded-For and friends are never read */
export function sourceIp (event: APIGatewayProxyEventV2): string {
  return event.requestContext?.http?.sourceIp ?? 'unknown'
}

/** the optional Idempotency-Key header, checked against the contract (400 when malformed) */
export function idempotencyKey (event: APIGatewayProxyEventV2): string | undefined {
  const value = event.headers?.[IDEMPOTENCY_KEY_HEADER.toLowerCase()]
  if (value === undefined) return undefined
  const parsed = IdempotencyKey.safeParse(value)
  if (parsed.success) return parsed.data
  throw new AppError('INVALID_INPUT', { fields: { [IDEMPOTENCY_KEY_HEADER]: parsed.error.issues[0]?.message ?? '请求标识格式不正确' } })
}
