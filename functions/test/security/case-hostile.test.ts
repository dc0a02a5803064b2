// Hostile input, property-based, on the case routes over real HTTP: whatever arrives, a 4xx with a
// stable code and no stack trace, and no case, dispute, SMS or code written (a wrong code is still
// counted against its source in Limits, as on every verifying route).
import fc from 'fast-check'
import { CASE_PATHS } from '../../src/contract/cases'
import { ERROR_CODES, ErrorBody } from '../../src/contract/index'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { call, startTestSystem, type Reply, type TestSystem } from '../support/harness'

const STACK = /\n\s+at |\.[cm]?[jt]s:\d+:\d+|node_modules\//
let sys: TestSystem
const written = async () => {
  // limit logs count refusals, and a signature seen is remembered (its replay mark): nothing else may change
  const { Limits: _counted, CallerLedger: ledger = [], ...rest } = await sys.dump()
  return { ...rest, CallerLedger: ledger.filter(item => !String(item.pk).startsWith('sig#')) }
}
let pristine: Awaited<ReturnType<typeof written>>
beforeAll(async () => { sys = await startTestSystem(); pristine = await written() })
afterAll(async () => { await sys?.stop() })
afterEach(async () => { expect(await written()).toEqual(pristine) })

function refused (reply: Reply): void {
  expect({ status: reply.status, is4xx: reply.status >= 400 && reply.status < 500 }).toEqual({ status: reply.status, is4xx: true })
  expect(reply.text).not.toMatch(STACK)
  const parsed = ErrorBody.safeParse(reply.body)
  expect(parsed.success).toBe(true)
  expect(ERROR_CODES).toContain(parsed.data!.error.code)
}

const CASE_ID = '3f8a2b1c-1111-4000-8000-000000000001'
const anyJson = fc.oneof(fc.json(), fc.string({ maxLength: 300 }), fc.constantFrom('{"items":[{"appId":"__proto__","kind":"NOT_MINE"}]}', 'null', '[]', '{"consent":true}'))
const item = fc.record({
  appId: fc.oneof(fc.constantFrom('taobao', 'jd', 'constructor', '__proto__', ''), fc.string({ maxLength: 40 })),
  kind: fc.oneof(fc.constantFrom('NOT_MINE', 'NO_LONGER_USED'), fc.string()),
  note: fc.option(fc.oneof(fc.string({ maxLength: 260 }), fc.constantFrom('https://evil.example', 'ｗｗｗ．ｘ．ｃｏｍ', '1'.repeat(200))), { nil: undefined })
}, { requiredKeys: ['appId', 'kind'] })
const caseBody = fc.record({
  phone: fc.oneof(fc.constant('13800005551'), fc.string({ maxLength: 20 })),
  idSuffix: fc.oneof(fc.constant('12345X'), fc.string({ maxLength: 8 })),
  code: fc.oneof(fc.constant('123456'), fc.string({ maxLength: 8 })),
  queryId: fc.oneof(fc.constant('1b4e28ba-2fa1-41d2-883f-0016d3cca427'), fc.string({ maxLength: 40 })),
  consent: fc.oneof(fc.constant(true), fc.anything()),
  items: fc.oneof(fc.array(item, { maxLength: 40 }), fc.anything())
}, { requiredKeys: [] })

test('POST /v1/cases: hostile bodies are refused (no live code and no recent query exist, so nothing can pass)', async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(anyJson.map(s => typeof s === 'string' ? s : JSON.stringify(s)), caseBody.map(b => JSON.stringify(b))), async body => {
    refused(await call(sys.url, 'POST', CASE_PATHS.cases, body))
  }), { numRuns: 150 })
})

test('POST /v1/enterprise-callbacks/disputes/{itemId}: signed or not, about no real item, always refused', async () => {
  const callbackBody = fc.oneof(
    fc.record({
      status: fc.constantFrom('ACKNOWLEDGED', 'RESOLVED', 'REJECTED', 'NEEDS_USER_ACTION', 'X'),
      accountsAffected: fc.anything(), action: fc.anything(), link: fc.string(), message: fc.string(), reasonCode: fc.string(), instructions: fc.string()
    }, { requiredKeys: ['status'] }).map(b => JSON.stringify(b)),
    anyJson.map(s => typeof s === 'string' ? s : JSON.stringify(s))
  )
  await fc.assert(fc.asyncProperty(
    callbackBody,
    fc.constantFrom(`${CASE_ID}.jd`, 'x', '..%2f..%2fcases', `${CASE_ID}.jd%00`, `${CASE_ID}.__proto__`, '%ZZ'),
    fc.constantFrom('jd', 'alibaba', 'nobody', ''),
    fc.boolean(), fc.integer({ min: -20 * 60_000, max: 20 * 60_000 }),
    async (body, itemId, enterprise, signed, skew) => {
      const path = `/v1/enterprise-callbacks/disputes/${itemId}`
      sys.clock.advance(1)
      const headers = signed
        ? signedRequestHeaders(enterprise, enterpriseKey(DEV_SECRETS.enterpriseKey, enterprise || 'jd'), 'POST', path, body, sys.clock.now() + skew)
        : { 'x-yzt-caller': enterprise }
      refused(await call(sys.url, 'POST', path, body, headers))
    }), { numRuns: 150 })
})

test('GET /v1/cases/{caseId}: any id, any token, refused alike', async () => {
  await fc.assert(fc.asyncProperty(
    fc.oneof(fc.constant(CASE_ID), fc.string({ maxLength: 60 }).map(encodeURIComponent)),
    fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    async (id, token) => {
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token.replace(/[\r\n]/g, '')}` }
      refused(await call(sys.url, 'GET', `/v1/cases/${id}`, undefined, headers))
    }), { numRuns: 100 })
})
