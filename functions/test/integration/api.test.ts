// The HTTP API over real sockets: the route table, the contract's shapes, and every error code.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { ErrorBody, EnterprisesResponse, ERROR_CODES, ERROR_MESSAGES } from '../../src/contract/index'
import { buildRuntime } from '../../src/adapters/runtime'
import { makeHandler as sendCodeHandler } from '../../src/handlers/send-code'
import { ROUTES } from '../../src/infra-shared/routes'
import { call, startTestSystem, type TestSystem } from '../support/harness'

let sys: TestSystem
beforeAll(async () => { sys = await startTestSystem() })
afterAll(async () => { await sys.stop() })

function expectError (res: { status: number, body: unknown, text: string, headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(ErrorBody.parse(res.body).error.code).toBe(code)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.text).not.toMatch(/at .+\(.+:\d+:\d+\)|Error:/)
  expect((res.body as ErrorBody).error.message).toMatch(/[\u4e00-\u9fff]/)
}

test('every route in the shared route table answers', async () => {
  expect(ROUTES.map(r => `${r.method} ${r.path}`)).toEqual([
    'POST /v1/verification-codes', 'POST /v1/queries', 'GET /v1/queries/{queryId}', 'POST /v1/query-details', 'GET /v1/enterprises', 'GET /v1/openapi.json',
    'POST /v1/sms-receipts/{provider}/{token}',
    'POST /v1/carrier/number-events', 'GET /v1/carrier/numbers/{phone}/reissue-readiness', 'POST /v1/platform/number-checks',
    'GET /v1/platform/released-numbers', 'GET /v1/platform/audit', 'POST /v1/enterprise-callbacks/number-events/{eventId}',
    'POST /v1/cases', 'GET /v1/cases/{caseId}', 'POST /v1/enterprise-callbacks/disputes/{itemId}',
    'POST /number-recycling/v0.2/check', 'POST /oauth/token', 'GET /.well-known/jwks.json', 'GET /.well-known/openid-configuration',
    'POST /v1/binding-alerts', 'POST /v1/enterprise-events/bindings', 'GET /v1/enterprise-sync/binding-subscriptions'
  ])
  const res = await call(sys.url, 'GET', '/v1/enterprises')
  expect(res.status).toBe(200)
  const { enterprises } = EnterprisesResponse.parse(res.body)
  expect(enterprises.map(e => e.name)).toEqual(['阿里巴巴', '支付宝', '抖音', '百度', '京东', '美团', '快手', '腾讯'])
  expect(enterprises.flatMap(e => e.apps)).toHaveLength(11)
  for (const e of enterprises) {
    expect(e.guide.details.length).toBeGreaterThan(0)
    expect(e.guide.unbind.length).toBeGreaterThan(0)
    expect(e.guide.hotline).toMatch(/^\d{5,12}$/)
    expect(e.guide.url).toMatch(/^https:\/\//)
  }
})

test('numbers as people type them are accepted and masked', async () => {
  const res = await call(sys.url, 'POST', '/v1/verification-codes', { phone: '+86 １３９-0000-7777' })
  expect(res.status).toBe(202)
  expect(res.body.maskedPhone).toBe('139****7777')
})

test('400 INVALID_INPUT names each bad field in Chinese', async () => {
  const res = await call(sys.url, 'POST', '/v1/queries', { phone: '12345', idSuffix: '1234', code: 'abc', consent: false })
  expectError(res, 400, 'INVALID_INPUT')
  expect(Object.keys(res.body.error.fields).sort()).toEqual(['code', 'consent', 'idSuffix', 'phone'])
  for (const reason of Object.values(res.body.error.fields)) expect(reason).toMatch(/[\u4e00-\u9fff]/)
})

test('400 for a body that is not JSON, not an object, or has extra fields', async () => {
  expectError(await call(sys.url, 'POST', '/v1/verification-codes', '{"phone":'), 400, 'INVALID_INPUT')
  expectError(await call(sys.url, 'POST', '/v1/verification-codes', '[1,2]'), 400, 'INVALID_INPUT')
  const extra = await call(sys.url, 'POST', '/v1/verification-codes', { phone: '13800005551', role: 'admin' })
  expectError(extra, 400, 'INVALID_INPUT')
  expect(extra.body.error.fields).toEqual({ role: '不支持的字段' })
})

test('415 for anything but JSON', async () => {
  const res = await call(sys.url, 'POST', '/v1/verification-codes', 'phone=13800005551', { 'content-type': 'application/x-www-form-urlencoded' })
  expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
  expectError(await call(sys.url, 'POST', '/v1/queries', '{}', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
})

test('413 for a body over 4 KB', async () => {
  const res = await call(sys.url, 'POST', '/v1/verification-codes', { phone: '13800005551', pad: 'x'.repeat(5000) })
  expectError(res, 413, 'PAYLOAD_TOO_LARGE')
})

test('404 for unknown queries, malformed ids and unknown routes', async () => {
  expectError(await call(sys.url, 'GET', '/v1/queries/1b4e28ba-2fa1-41d2-883f-0016d3cca427'), 404, 'NOT_FOUND')
  expectError(await call(sys.url, 'GET', `/v1/queries/${encodeURIComponent("' OR 1=1 --")}`), 404, 'NOT_FOUND')
  expectError(await call(sys.url, 'GET', '/v1/nothing'), 404, 'NOT_FOUND')
  expectError(await call(sys.url, 'DELETE', '/v1/enterprises'), 404, 'NOT_FOUND')
})

test('401 CODE_INVALID for a code never sent', async () => {
  expectError(await call(sys.url, 'POST', '/v1/queries', { phone: '13800005551', idSuffix: '12345X', code: '000000', consent: true }), 401, 'CODE_INVALID')
})

test('503 UNAVAILABLE, without details, when the database cannot be reached', async () => {
  const handler = sendCodeHandler(() => buildRuntime({ dynamo: { endpoint: 'http://127.0.0.1:9', region: 'local', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } } }))
  const event = {
    routeKey: 'POST /v1/verification-codes',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '13800005551' }),
    isBase64Encoded: false,
    requestContext: { http: { sourceIp: '10.0.0.1' } }
  } as unknown as APIGatewayProxyEventV2
  const res = await handler(event)
  expect(res.statusCode).toBe(503)
  expect(JSON.parse(res.body)).toEqual({ error: { code: 'UNAVAILABLE', message: ERROR_MESSAGES.UNAVAILABLE } })
})

test('the error codes are the stable set of the contract', () => {
  expect(ERROR_CODES).toEqual(['INVALID_INPUT', 'CODE_INVALID', 'VERIFICATION_FAILED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'IDEMPOTENCY_KEY_REUSED', 'RATE_LIMITED', 'UNAVAILABLE', 'SIGNATURE_INVALID', 'CONFLICT'])
})
