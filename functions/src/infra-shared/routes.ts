// The HTTP API route table, declared once for the local server and API Gateway.
import type { HttpFunctionName } from './functions'

export interface RouteDefinition {
  readonly method: 'GET' | 'POST'
  /** API Gateway syntax: {name} is a path parameter */
  readonly path: string
  /** an HTTP function: a route naming a stream, scheduled or mock function does not compile */
  readonly fn: HttpFunctionName
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/v1/verification-codes', fn: 'sendCode' },
  { method: 'POST', path: '/v1/queries', fn: 'submitQuery' },
  { method: 'GET', path: '/v1/queries/{queryId}', fn: 'getQuery' },
  // 查看明细: number + result code of a summary-form SMS → the counts per app
  { method: 'POST', path: '/v1/query-details', fn: 'queryDetails' },
  { method: 'GET', path: '/v1/enterprises', fn: 'listEnterprises' },
  { method: 'GET', path: '/v1/openapi.json', fn: 'getOpenApi' },
  // the SMS provider's delivery reports; {token} is a secret per provider (infra/README.md, SECURITY.md)
  { method: 'POST', path: '/v1/sms-receipts/{provider}/{token}', fn: 'smsReceipt' },
  { method: 'POST', path: '/v1/carrier/number-events', fn: 'carrierEvents' },
  { method: 'GET', path: '/v1/carrier/numbers/{phone}/reissue-readiness', fn: 'carrierEvents' },
  { method: 'POST', path: '/v1/platform/number-checks', fn: 'platformChecks' },
  { method: 'GET', path: '/v1/platform/released-numbers', fn: 'platformChecks' },
  { method: 'GET', path: '/v1/platform/audit', fn: 'platformChecks' },
  { method: 'POST', path: '/v1/enterprise-callbacks/number-events/{eventId}', fn: 'noticeCallback' },
  { method: 'POST', path: '/v1/cases', fn: 'createCase' },
  { method: 'GET', path: '/v1/cases/{caseId}', fn: 'getCase' },
  { method: 'POST', path: '/v1/enterprise-callbacks/disputes/{itemId}', fn: 'disputeCallback' },
  // CAMARA Number Recycling at CAMARA's own path, and the OAuth server that authorises it (API root)
  { method: 'POST', path: '/number-recycling/v0.2/check', fn: 'camaraNumberRecycling' },
  { method: 'POST', path: '/oauth/token', fn: 'oauthServer' },
  { method: 'GET', path: '/.well-known/jwks.json', fn: 'oauthServer' },
  { method: 'GET', path: '/.well-known/openid-configuration', fn: 'oauthServer' },
  { method: 'POST', path: '/v1/binding-alerts', fn: 'setBindingAlerts' },
  { method: 'POST', path: '/v1/enterprise-events/bindings', fn: 'bindingEvents' },
  { method: 'GET', path: '/v1/enterprise-sync/binding-subscriptions', fn: 'bindingSubscriptions' }
]

/** the mocked enterprises' own API (deployed only with them): POST /enterprises/{enterpriseId}/account-counts */
export const MOCK_ENTERPRISE_ROUTE = { method: 'POST', path: '/enterprises/{enterpriseId}/account-counts', fn: 'mockEnterprise' } as const

/** the mocked enterprises' release-notice endpoint, beside their account counts */
export const MOCK_NOTICE_ROUTE = { method: 'POST', path: '/enterprises/{enterpriseId}/number-events', fn: 'mockEnterprise' } as const

/** the mocked enterprises' dispute desk (resolution cases), beside their account counts */
export const MOCK_DISPUTES_ROUTE = { method: 'POST', path: '/enterprises/{enterpriseId}/disputes', fn: 'mockEnterprise' } as const

/** Match a concrete path against a route path; returns the path parameters or undefined. */
export function matchPath (pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    if (w.startsWith('{') && w.endsWith('}')) {
      if (!got[i]) return undefined
      try { params[w.slice(1, -1)] = decodeURIComponent(got[i]!) } catch { return undefined }
    } else if (w !== got[i]) return undefined
  }
  return params
}
