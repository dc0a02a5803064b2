// The public API (`/v1`) as an OpenAPI 3.1 document, served at GET /v1/openapi.json.
// A new endpoint is one entry in OPERATIONS; the route table test holds the two lists together.
import { ERROR_CODES, EnterprisesResponse, ErrorBody, QueryView, SendCodeRequest, SendCodeResponse, SubmitQueryRequest, SubmitQueryResponse } from '../index'
import { openApiDocument, schema, type Operation, type ResponseSpec } from './document'


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
    method: 'get', path: '/v1/enterprises', operationId: 'listEnterprises',
    summary: 'The participating enterprises, in SMS order, with the unbind guide',
    responses: { 200: { description: 'the catalogue', body: schema('EnterprisesResponse', EnterprisesResponse) } }
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
    operations: OPERATIONS
  })
}
