// The only module that talks to the network (services/cases.ts, bundled with the case subpackage, goes through
// its call/post). Every response is checked against the shared contract, so a page only ever sees
// contract-shaped data or an ApiError.
import Taro from '@tarojs/taro'
import {
  API_PATHS, DEV_SMS_PATH, DevSmsResponse, EnterprisesResponse, ErrorBody, IDEMPOTENCY_KEY_HEADER, LOGIN_HEADER, QueryView,
  SendCodeRequest, SendCodeResponse, SubmitQueryRequest, SubmitQueryResponse, type ClientErrorCode, type ErrorCode
} from '@yzt/functions/contract'
import { QUERY_DETAILS_PATH, QueryDetailsRequest, QueryDetailsResponse } from '@yzt/functions/contract/details'

type Schema<T> = { safeParse: (input: unknown) => { success: true, data: T } | { success: false } }

/** ErrorCode from the API, or what went wrong before an API answer could be read. */
export type ApiErrorCode = ErrorCode | ClientErrorCode

export class ApiError extends Error {
  constructor (
    readonly code: ApiErrorCode,
    message: string,
    readonly status = 0,
    readonly fields: Record<string, string> = {},
    readonly retryAfterSeconds?: number,
    readonly triesLeft?: number
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Anything a page caught, as an ApiError: a thrown non-API error is an unreadable answer. */
export function asApiError (err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('BAD_RESPONSE', String(err))
}

const TIMEOUT_MS = 15000

function headerValue (header: Record<string, unknown> | undefined, name: string): string | undefined {
  // H5 lower-cases header names, mini-program hosts keep the server's spelling.
  if (!header) return undefined
  const key = Object.keys(header).find(k => k.toLowerCase() === name)
  const value = key === undefined ? undefined : header[key]
  return typeof value === 'string' ? value : undefined
}

function retryAfter (body: ErrorBody | undefined, header: Record<string, unknown> | undefined): number | undefined {
  if (body?.error.retryAfterSeconds !== undefined) return Math.max(0, Math.ceil(body.error.retryAfterSeconds))
  const h = headerValue(header, 'retry-after')
  const n = h === undefined ? NaN : Number(h)
  return Number.isFinite(n) ? Math.max(0, Math.ceil(n)) : undefined
}

export async function call<T> (
  method: 'GET' | 'POST', path: string, schema: Schema<T>, data?: unknown, headers: Record<string, string> = {}
): Promise<T> {
  let res: Taro.request.SuccessCallbackResult<TaroGeneral.IAnyObject>
  try {
    res = await Taro.request<TaroGeneral.IAnyObject>({
      url: `${API_BASE}${path}`,
      method,
      data: data === undefined ? undefined : JSON.stringify(data),
      header: data === undefined
        ? { accept: 'application/json', ...headers }
        : { 'content-type': 'application/json', accept: 'application/json', ...headers },
      dataType: 'json',
      timeout: TIMEOUT_MS
    })
  } catch {
    throw new ApiError('NETWORK', '网络连接失败')
  }
  const { statusCode, data: body, header } = res
  if (statusCode >= 200 && statusCode < 300) {
    const parsed = schema.safeParse(body)
    if (parsed.success) return parsed.data
    throw new ApiError('BAD_RESPONSE', '服务返回了无法识别的内容', statusCode)
  }
  const err = ErrorBody.safeParse(body)
  if (err.success) {
    const e = err.data.error
    throw new ApiError(e.code, e.message, statusCode, e.fields ?? {}, retryAfter(err.data, header), e.triesLeft)
  }
  // A gateway in front of the API may answer 429/503 without our error body.
  if (statusCode === 429) throw new ApiError('RATE_LIMITED', '请求过于频繁', statusCode, {}, retryAfter(undefined, header))
  if (statusCode >= 500) throw new ApiError('UNAVAILABLE', '服务暂不可用', statusCode)
  throw new ApiError('BAD_RESPONSE', '服务返回了无法识别的内容', statusCode)
}

/**
 * The host's login code, `weapp:<code>` or `alipay:<code>` (Taro.login is my.getAuthCode there), so the API
 * can tell a real mini-program user; none in H5 or when the host refuses (the request goes ahead without it).
 */
export async function loginHeader (): Promise<Record<string, string>> {
  const host = process.env.TARO_ENV
  if (host !== 'weapp' && host !== 'alipay') return {}
  try {
    const { code } = await Taro.login()
    return code ? { [LOGIN_HEADER]: `${host}:${code}` } : {}
  } catch {
    return {}
  }
}

/** The POSTs that start something: each carries its submit's idempotency key, reused on every retry. */
export async function post<T> (path: string, schema: Schema<T>, body: unknown, idempotencyKey: string): Promise<T> {
  return call('POST', path, schema, body, { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey, ...await loginHeader() })
}

export function sendCode (phone: string, idempotencyKey: string): Promise<SendCodeResponse> {
  return post(API_PATHS.verificationCodes, SendCodeResponse, SendCodeRequest.parse({ phone }), idempotencyKey)
}

export interface QueryInput { phone: string, idSuffix: string, code: string, consent: boolean }

export function submitQuery (input: QueryInput, idempotencyKey: string): Promise<SubmitQueryResponse> {
  return post(API_PATHS.queries, SubmitQueryResponse, SubmitQueryRequest.parse(input), idempotencyKey)
}

export function getQuery (queryId: string): Promise<QueryView> {
  return call('GET', API_PATHS.query(queryId), QueryView)
}

/** 查看明细: a read (nothing is started), so no idempotency key */
export function queryDetails (phone: string, resultCode: string): Promise<QueryDetailsResponse> {
  return call('POST', QUERY_DETAILS_PATH, QueryDetailsResponse, QueryDetailsRequest.parse({ phone, resultCode }))
}

export function listEnterprises (): Promise<EnterprisesResponse> {
  return call('GET', API_PATHS.enterprises, EnterprisesResponse)
}

/** Local runtime only (the page using it is not in production builds). */
export function devSms (phone: string): Promise<DevSmsResponse> {
  return call('GET', `${DEV_SMS_PATH}?phone=${encodeURIComponent(phone)}`, DevSmsResponse)
}
