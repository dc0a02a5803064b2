// CAMARA Number Recycling (r2.2): "has this number's subscriber changed since specifiedDate?",
// answered from the same number histories and the same rule as POST /v1/platform/number-checks
// (checkNumbers: the same per-enterprise rate and audit), behind our OAuth access tokens.
// Errors are CAMARA's {status, code, message}; the x-correlator header comes back on every answer.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import {
  type CheckNumRecyclingInfo, CORRELATOR_HEADER, CreateCheckNumRecycling, XCorrelator,
  type CamaraErrorCode, type ErrorInfo
} from '#contract/camara'
import { PHONE_PATTERN } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { oauthSigningKeys } from '#adapters/oauth-keys'
import { AppError } from '#domain/errors'
import { checkNumbers } from '#domain/lifecycle'
import { chinaDate } from '#domain/china-time'
import { json, MAX_BODY_BYTES, type HttpResult } from '#lib/http'
import { logger } from '#lib/logger'
import { publishMetrics } from '#lib/metrics'
import { audienceOf, bearerToken, CAMARA_SCOPE, issuerOf, verifyAccessToken } from '#lib/oauth'

class CamaraError extends Error {
  constructor (readonly status: number, readonly code: CamaraErrorCode, message: string, readonly headers: Record<string, string> = {}) { super(message) }
}

const MESSAGES = {
  unauthenticated: '请求未通过认证：访问令牌缺失、无效或已过期，请重新获取',
  forbidden: '该访问令牌无权调用此接口',
  invalidBody: '请求内容不符合接口定义',
  missing: '未提供号码，且访问令牌不指向任何号码',
  unnecessary: '访问令牌已指向号码，请求中不应再提供号码',
  notApplicable: '该号码不在本服务范围内（仅支持中国大陆手机号码）',
  future: '指定日期晚于今天，无法判断',
  notFound: '没有该号码在指定日期以来的记录'
} as const

/** a mainland mobile number in E.164 (+86 and 11 digits) → the 11 digits our histories are kept under */
function mainlandMobile (e164: string): string | undefined {
  const national = e164.startsWith('+86') ? e164.slice(3) : ''
  return PHONE_PATTERN.test(national) ? national : undefined
}

async function authorise (r: Runtime, event: APIGatewayProxyEventV2): Promise<{ enterpriseId: string, tokenPhone?: string }> {
  const challenge = { 'www-authenticate': 'Bearer realm="yzt"' }
  const token = bearerToken(event.headers?.authorization)
  if (!token) throw new CamaraError(401, 'UNAUTHENTICATED', MESSAGES.unauthenticated, challenge)
  const check = await verifyAccessToken(oauthSigningKeys(await r.secrets.get()), token, {
    issuer: issuerOf(r.publicUrl, event), audience: audienceOf(r.publicUrl, event), scope: CAMARA_SCOPE, now: r.clock.now()
  })
  if (!check.ok && check.status === 403) {
    throw new CamaraError(403, 'PERMISSION_DENIED', MESSAGES.forbidden, { 'www-authenticate': 'Bearer realm="yzt", error="insufficient_scope"' })
  }
  if (!check.ok) throw new CamaraError(401, 'UNAUTHENTICATED', MESSAGES.unauthenticated, { 'www-authenticate': 'Bearer realm="yzt", error="invalid_token"' })
  // an enterprise taken out of the catalogue loses its tokens at once, not an hour later
  if (!(await r.enterprises()).catalogue.enterprises.some(e => e.id === check.clientId)) {
    throw new CamaraError(401, 'UNAUTHENTICATED', MESSAGES.unauthenticated, challenge)
  }
  // a three-legged token names its subject's number (we issue none yet: client credentials only)
  const tokenPhone = typeof check.claims.phone_number === 'string' ? check.claims.phone_number : undefined
  return { enterpriseId: check.clientId, tokenPhone }
}

function bodyOf (event: APIGatewayProxyEventV2): CreateCheckNumRecycling {
  const invalid = (message: string = MESSAGES.invalidBody) => new CamaraError(400, 'INVALID_ARGUMENT', message)
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase()
  if (!/^application\/json\s*(;|$)/.test(contentType)) throw invalid('请求内容类型应为 application/json')
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw invalid('请求内容过长')
  let value: unknown
  try { value = JSON.parse(raw) } catch { throw invalid('请求内容不是有效的 JSON') }
  const parsed = CreateCheckNumRecycling.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  // name the field, never echo the value
  throw invalid(issue?.path.length ? `${String(issue.path[0]).slice(0, 32)}：${issue.message}` : MESSAGES.invalidBody)
}

async function check (r: Runtime, event: APIGatewayProxyEventV2): Promise<CheckNumRecyclingInfo> {
  const { enterpriseId, tokenPhone } = await authorise(r, event)
  const body = bodyOf(event)
  if (tokenPhone !== undefined && body.phoneNumber !== undefined) throw new CamaraError(422, 'UNNECESSARY_IDENTIFIER', MESSAGES.unnecessary)
  const e164 = tokenPhone ?? body.phoneNumber
  if (e164 === undefined) throw new CamaraError(422, 'MISSING_IDENTIFIER', MESSAGES.missing)
  const phone = mainlandMobile(e164)
  if (!phone) throw new CamaraError(422, 'SERVICE_NOT_APPLICABLE', MESSAGES.notApplicable)
  // a day that has not begun in China cannot be evaluated (YYYY-MM-DD compares as dates)
  if (body.specifiedDate > chinaDate(r.clock.now())) throw new CamaraError(400, 'OUT_OF_RANGE', MESSAGES.future)
  // the bulk check's own rule, rate and audit: reassigned true → recycled, false → not, null → no data
  const [result] = await checkNumbers(r, enterpriseId, { since: body.specifiedDate, numbers: [phone] }, 'camara-check')
  if (result?.reassigned === null || result === undefined) throw new CamaraError(404, 'IDENTIFIER_NOT_FOUND', MESSAGES.notFound)
  return { phoneNumberRecycled: result.reassigned }
}

function camaraError (err: CamaraError, headers: Record<string, string>): HttpResult {
  return json(err.status, { status: err.status, code: err.code, message: err.message } satisfies ErrorInfo, { ...headers, ...err.headers })
}

export const makeHandler = (rt: () => Promise<Runtime>) => async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
  const given = event.headers?.[CORRELATOR_HEADER]
  // echoed only when it is what CAMARA allows: a header value of ours never carries arbitrary text back
  const correlator: Record<string, string> = given !== undefined && XCorrelator.safeParse(given).success ? { [CORRELATOR_HEADER]: given } : {}
  try {
    if (given !== undefined && !(CORRELATOR_HEADER in correlator)) throw new CamaraError(400, 'INVALID_ARGUMENT', 'x-correlator 格式不正确')
    return json(200, await check(await rt(), event), correlator)
  } catch (err) {
    if (err instanceof CamaraError) return camaraError(err, correlator)
    if (err instanceof AppError && err.code === 'RATE_LIMITED') {
      const wait = String(err.details.retryAfterSeconds ?? 1)
      return camaraError(new CamaraError(429, 'TOO_MANY_REQUESTS', err.message, { 'retry-after': wait }), correlator)
    }
    logger.error('camara check failed', { route: event.routeKey, error: err as Error })
    return camaraError(new CamaraError(503, 'UNAVAILABLE', '服务暂时不可用'), correlator)
  } finally {
    publishMetrics()
  }
}

export const handler = makeHandler(runtime)
