// The public API (`/v1`) as an OpenAPI 3.1 document, served at GET /v1/openapi.json.
// A new endpoint is one entry in OPERATIONS; the route table test holds the two lists together.
import { ERROR_CODES, EnterprisesResponse, ErrorBody, QueryView, SendCodeRequest, SendCodeResponse, SubmitQueryRequest, SubmitQueryResponse } from '../index'
import {
  NoticeConfirmation, NoticeConfirmationResponse, NumberChecksRequest, NumberChecksResponse, NumberEventsRequest, NumberEventsResponse,
  PlatformAuditResponse, ReissueReadiness, ReleasedNumbersResponse
} from '../lifecycle'
import { CaseView, CreateCaseRequest, CreateCaseResponse } from '../cases'
import { DisputeCallback, DisputeCallbackResponse } from '../disputes'
import { ALERTS_PER_DAY, BindingAlertsRequest, BindingAlertsResponse, BindingEventsRequest, BindingEventsResponse, MAX_BINDING_EVENTS, SubscriptionsPage } from '../alerts'
import { QueryDetailsRequest, QueryDetailsResponse } from '../details'
import { openApiDocument, schema, type HeaderSpec, type Operation, type ResponseSpec } from './document'


const error = (description: string, headers?: ResponseSpec['headers']): ResponseSpec => ({ description, body: schema('ErrorBody', ErrorBody), ...(headers ? { headers } : {}) })
const RATE_LIMITED = error('RATE_LIMITED: a limit refuses; `retryAfterSeconds` and `Retry-After` give the real wait', [
  { name: 'retry-after', description: 'seconds until the longest of the refusing windows ends', pattern: '^\\d+$' }
])
const BODY_ERRORS: Record<string, ResponseSpec> = {
  400: error('INVALID_INPUT: not JSON, an unknown field, or a field that does not pass (per-field Chinese messages in `fields`)'),
  413: error('PAYLOAD_TOO_LARGE: the body is over 4 KB'),
  415: error('UNSUPPORTED_MEDIA_TYPE: the body is not application/json')
}
const UNAVAILABLE = error('UNAVAILABLE: try again later')

export const OPENAPI_PATH = '/v1/openapi.json'

/** carriers and enterprises call the server-to-server routes with their own key (README, "Number lifecycle") */
const CALLER_HEADERS: HeaderSpec[] = [
  { name: 'x-yzt-caller', description: 'the caller: a carrier id (cmcc, cucc, ctcc, cbn) or an enterprise id', pattern: '^[a-z0-9-]{1,32}$' },
  { name: 'x-yzt-timestamp', description: 'when the request was signed, epoch milliseconds (±5 minutes)', pattern: '^\\d{1,16}$' },
  { name: 'x-yzt-signature', description: 'hex HMAC-SHA256(caller key, timestamp + "\\n" + METHOD + " " + path?query + "\\n" + body); each signature works once', pattern: '^[0-9a-f]{64}$' }
]
const SIGNED_ERRORS: Record<string, ResponseSpec> = {
  401: error('SIGNATURE_INVALID: unsigned, another key, stale, or a signature already used'),
  429: RATE_LIMITED
}
const signed = (op: Omit<Operation, 'requestHeaders' | 'security'>): Operation => ({
  ...op,
  requestHeaders: CALLER_HEADERS,
  responses: { ...op.responses, ...SIGNED_ERRORS },
  security: ['callerSignature']
})

export const OPERATIONS: Operation[] = [
  {
    method: 'post', path: '/v1/verification-codes', operationId: 'sendCode',
    summary: 'Ask for an SMS verification code',
    description: 'Every well-formed number gets the same 202; only an active subscriber that is not locked receives the SMS.',
    requestBody: schema('SendCodeRequest', SendCodeRequest),
    responses: { 202: { description: 'accepted', body: schema('SendCodeResponse', SendCodeResponse) }, ...BODY_ERRORS, 429: RATE_LIMITED, 503: UNAVAILABLE }
  },
  {
    method: 'post', path: '/v1/queries', operationId: 'submitQuery',
    summary: 'Submit a query: number, ID suffix, code and consent',
    description: 'The counts are sent to the number by SMS, never returned here.',
    requestBody: schema('SubmitQueryRequest', SubmitQueryRequest),
    responses: {
      202: { description: 'accepted', body: schema('SubmitQueryResponse', SubmitQueryResponse) },
      ...BODY_ERRORS,
      401: error('CODE_INVALID: the code is wrong, used or expired'),
      403: error('VERIFICATION_FAILED: the number and ID suffix do not match an active subscriber'),
      429: RATE_LIMITED,
      503: UNAVAILABLE
    }
  },
  {
    method: 'get', path: '/v1/queries/{queryId}', operationId: 'getQuery',
    summary: 'The status of a query (never its counts)',
    responses: { 200: { description: 'the query', body: schema('QueryView', QueryView) }, 404: error('NOT_FOUND: no such query, or expired'), 503: UNAVAILABLE }
  },
  {
    method: 'post', path: '/v1/query-details', operationId: 'queryDetails',
    summary: '查看明细: the counts per app of a summary-form result SMS, opened with the number and its result code',
    description: 'The result code (8 characters, valid 24 hours) reached only the phone, so it proves the holder. An unknown number, a wrong code and an expired one get the same 401. Wrong codes count per (number, requester) and per source, never per number alone.',
    requestBody: schema('QueryDetailsRequest', QueryDetailsRequest),
    responses: {
      200: { description: 'each app of the query in SMS order; `count: null` is 暂无法查询', body: schema('QueryDetailsResponse', QueryDetailsResponse) },
      ...BODY_ERRORS,
      401: error('CODE_INVALID: no live result code of this number matches'),
      429: RATE_LIMITED,
      503: UNAVAILABLE
    }
  },
  {
    method: 'get', path: '/v1/enterprises', operationId: 'listEnterprises',
    summary: 'The participating enterprises, in SMS order, with the unbind guide',
    responses: { 200: { description: 'the catalogue', body: schema('EnterprisesResponse', EnterprisesResponse) } }
  },
  signed({
    method: 'post', path: '/v1/carrier/number-events', operationId: 'recordNumberEvents',
    summary: 'A carrier records lifecycle events of its numbers (≤ 1,000 per call, once per event id)',
    requestBody: schema('NumberEventsRequest', NumberEventsRequest),
    responses: { 200: { description: 'one outcome per event, in order', body: schema('NumberEventsResponse', NumberEventsResponse) }, ...BODY_ERRORS }
  }),
  signed({
    method: 'get', path: '/v1/carrier/numbers/{phone}/reissue-readiness', operationId: 'reissueReadiness',
    summary: 'May this released number be re-issued? (90 quiet days, every enterprise confirmed or past its deadline)',
    responses: { 200: { description: 'READY or NOT_READY with the reasons', body: schema('ReissueReadiness', ReissueReadiness) }, 400: BODY_ERRORS[400]! }
  }),
  signed({
    method: 'post', path: '/v1/platform/number-checks', operationId: 'checkNumbers',
    summary: 'Has each number changed hands since a date? true / false / null (no data), ≤ 1,000 per call',
    requestBody: schema('NumberChecksRequest', NumberChecksRequest),
    responses: { 200: { description: 'one answer per number, in order', body: schema('NumberChecksResponse', NumberChecksResponse) }, ...BODY_ERRORS }
  }),
  signed({
    method: 'get', path: '/v1/platform/released-numbers', operationId: 'releasedNumbers',
    summary: 'The numbers released on a China calendar day (`?date=YYYY-MM-DD`, kept 30 days)',
    responses: { 200: { description: 'the day\'s list', body: schema('ReleasedNumbersResponse', ReleasedNumbersResponse) }, 400: BODY_ERRORS[400]! }
  }),
  signed({
    method: 'get', path: '/v1/platform/audit', operationId: 'platformAudit',
    summary: 'The calling enterprise\'s own calls on a day (`?date=`): when, which route, how many numbers — never which',
    responses: { 200: { description: 'the caller\'s audit trail', body: schema('PlatformAuditResponse', PlatformAuditResponse) }, 400: BODY_ERRORS[400]! }
  }),
  signed({
    method: 'post', path: '/v1/enterprise-callbacks/number-events/{eventId}', operationId: 'confirmNotice',
    summary: 'An enterprise confirms what it removed or froze for a released number (its own notice only)',
    requestBody: schema('NoticeConfirmation', NoticeConfirmation),
    responses: {
      200: { description: 'the notice\'s status (a repeat changes nothing)', body: schema('NoticeConfirmationResponse', NoticeConfirmationResponse) },
      ...BODY_ERRORS,
      404: error('NOT_FOUND: no such notice for this enterprise')
    }
  }),
  {
    method: 'post', path: '/v1/cases', operationId: 'createCase',
    summary: 'Open a resolution case (异议账号处理): dispute apps of the result, verified again',
    description: [
      'Number, ID suffix, and either a fresh SMS `code` or the `queryId` of a query of this number accepted within 10 minutes;',
      'the separate consent to forward the number to the chosen enterprises. At most 3 cases per number in 24 hours and one open',
      'item per (number, app). `accessToken` is shown once (kept only as a hash): GET /v1/cases/{caseId} needs it.',
      'Supports `Idempotency-Key` like POST /v1/queries (a repeat gets the same case and token).'
    ].join(' '),
    requestBody: schema('CreateCaseRequest', CreateCaseRequest),
    responses: {
      202: { description: 'accepted: each item is being forwarded to its enterprise', body: schema('CreateCaseResponse', CreateCaseResponse) },
      ...BODY_ERRORS,
      401: error('CODE_INVALID: the code is wrong, used or expired, or the query is older than 10 minutes or already used'),
      403: error('VERIFICATION_FAILED: the number and ID suffix do not match an active subscriber'),
      409: error('CONFLICT: an app already has an open item for this number (`fields` by app id)'),
      429: RATE_LIMITED,
      503: UNAVAILABLE
    }
  },
  {
    method: 'get', path: '/v1/cases/{caseId}', operationId: 'getCase',
    summary: 'A case as its owner sees it: masked number, ticket, per-item status, times and the enterprise\'s public message',
    security: ['caseToken'],
    responses: {
      200: { description: 'the case (never counts, never the number)', body: schema('CaseView', CaseView) },
      404: error('NOT_FOUND: no such case, expired, or not this token'),
      503: UNAVAILABLE
    }
  },
  signed({
    method: 'post', path: '/v1/enterprise-callbacks/disputes/{itemId}', operationId: 'answerDispute',
    summary: 'An enterprise answers for one of its dispute items: ACKNOWLEDGED, RESOLVED, NEEDS_USER_ACTION or REJECTED',
    requestBody: schema('DisputeCallback', DisputeCallback),
    responses: {
      200: { description: 'the item\'s new status', body: schema('DisputeCallbackResponse', DisputeCallbackResponse) },
      ...BODY_ERRORS,
      404: error('NOT_FOUND: no such item for this enterprise'),
      409: error('CONFLICT: the item cannot move there from where it is (answers only go forward)')
    }
  }),
  {
    method: 'post', path: '/v1/binding-alerts', operationId: 'setBindingAlerts',
    summary: 'Binding alerts (绑定提醒) on or off, verified like a query',
    description: [
      'Number, ID suffix and a fresh SMS `code` (consumed by this request); `action` on needs the separate `consent`',
      '(ALERT_CONSENT_TEXT). One confirmation SMS each way. Then each new binding reported by an enterprise is an SMS',
      `within minutes, at most ${ALERTS_PER_DAY} a day, none from 22:00 to 08:00 China time (held, then folded into one SMS).`,
      'Alerts end by themselves when the carrier reports the number cancelled or re-issued.'
    ].join(' '),
    requestBody: schema('BindingAlertsRequest', BindingAlertsRequest),
    responses: {
      200: { description: 'the state now', body: schema('BindingAlertsResponse', BindingAlertsResponse) },
      ...BODY_ERRORS,
      401: error('CODE_INVALID: the code is wrong, used or expired'),
      403: error('VERIFICATION_FAILED: the number and ID suffix do not match an active subscriber'),
      429: RATE_LIMITED,
      503: UNAVAILABLE
    }
  },
  signed({
    method: 'get', path: '/v1/enterprise-sync/binding-subscriptions', operationId: 'bindingSubscriptions',
    summary: 'An enterprise reads the subscribed numbers, each as an HMAC under its own key, page by page (`?cursor=`)',
    description: [
      'Each entry is hex HMAC-SHA256(your key, "binding-subscription\\0" + the 11-digit number): compute it for the numbers you hold',
      'and report new bindings of those that match. Read every page (`cursor` = the previous page\'s `nextCursor`, absent on the',
      'last) and replace your set: a number that is gone unsubscribed. The cursor reaches your own rows only.'
    ].join(' '),
    responses: { 200: { description: 'one page of your rows', body: schema('SubscriptionsPage', SubscriptionsPage) }, 400: error('INVALID_INPUT: a malformed cursor') }
  }),
  signed({
    method: 'post', path: '/v1/enterprise-events/bindings', operationId: 'reportBindings',
    summary: `An enterprise reports new bindings of subscribed numbers to its apps (≤ ${MAX_BINDING_EVENTS} a batch)`,
    description: [
      'Report only numbers whose HMAC is in your set; events of other numbers are dropped on arrival and never stored.',
      'A batch naming an app that is not yours is refused whole (400, nothing written). Each eventId is taken once per number',
      '(DUPLICATE after); a binding more than 24 hours old or in the future is REJECTED; one from before the number subscribed is dropped.'
    ].join(' '),
    requestBody: schema('BindingEventsRequest', BindingEventsRequest),
    responses: {
      200: { description: 'per event: ACCEPTED, DUPLICATE or REJECTED (with a reason)', body: schema('BindingEventsResponse', BindingEventsResponse) },
      ...BODY_ERRORS
    }
  }),
  {
    method: 'post', path: '/v1/sms-receipts/{provider}/{token}', operationId: 'smsReceipt',
    summary: 'The SMS provider\'s delivery reports (Aliyun, Tencent Cloud); {token} is the secret per provider',
    responses: {
      200: { description: 'the provider\'s acknowledgement' },
      400: error('INVALID_INPUT: not this provider\'s report format'),
      404: error('NOT_FOUND: wrong token, unconfigured provider, or no report matched a sent message')
    }
  },
  {
    method: 'get', path: OPENAPI_PATH, operationId: 'getOpenApi',
    summary: 'This document',
    responses: { 200: { description: 'the OpenAPI 3.1 document of the public API' } }
  }
]

export function publicApiDocument (): Record<string, unknown> {
  return openApiDocument({
    title: 'yzt 一证通查 public API',
    version: '1',
    description: [
      'Which internet accounts are bound to my phone number: ask a code, submit a query, read the counts in the SMS.',
      `Errors: {"error":{"code","message","fields"?,"retryAfterSeconds"?}} with stable codes ${ERROR_CODES.join(', ')}; messages are Chinese and for people.`,
      'Generated from the zod schemas in functions/src/contract.'
    ].join('\n\n'),
    servers: [{ url: '/', description: 'the API origin of the deployment' }],
    securitySchemes: {
      callerSignature: {
        type: 'apiKey', in: 'header', name: 'x-yzt-signature',
        description: 'carriers and enterprises: HMAC-SHA256 with their own key over timestamp, method, path and body (x-yzt-caller, x-yzt-timestamp)'
      },
      caseToken: { type: 'http', scheme: 'bearer', description: 'the accessToken POST /v1/cases returned, once' }
    },
    operations: OPERATIONS
  })
}
