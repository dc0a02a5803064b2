// The CAMARA Number Recycling API as we serve it (docs/openapi/camara-number-recycling.json), with
// the OAuth 2.0 endpoints that authorise it. Schema names are CAMARA's own (number-recycling.yaml
// r2.2); test/unit/camara-contract.test.ts holds them to CAMARA's definition.
import {
  CAMARA_CHECK_PATH, CAMARA_SCOPE, CheckNumRecyclingInfo, CORRELATOR_HEADER, CreateCheckNumRecycling, DiscoveryDocument, ErrorInfo,
  Jwks, OAUTH_PATHS, OAuthError, TOKEN_LIFETIME_SECONDS, TokenRequest, TokenResponse
} from '../camara'
import { openApiDocument, schema, type HeaderSpec, type Operation, type ResponseSpec } from './document'

const CORRELATOR: HeaderSpec = {
  name: CORRELATOR_HEADER, description: 'Correlation id for the different services: echoed on every answer', pattern: '^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$', required: false
}
const camaraError = (description: string, headers: HeaderSpec[] = [CORRELATOR]): ResponseSpec =>
  ({ description, body: schema('ErrorInfo', ErrorInfo), headers })
const oauthError = (description: string): ResponseSpec => ({ description, body: schema('OAuthError', OAuthError) })

export const CAMARA_OPERATIONS: Operation[] = [
  {
    method: 'post', path: CAMARA_CHECK_PATH, operationId: 'checkNumberRecycling',
    summary: 'Check whether the subscriber of the phone number has changed.',
    description: [
      'true: the number changed hands (released or re-issued) after the start of specifiedDate (China time); false: we hold its',
      'records from before that day and nothing changed. The same rule, number histories, per-enterprise rate and audit trail as',
      'POST /v1/platform/number-checks. Mainland China mobile numbers only (+86 1[3-9]…).'
    ].join(' '),
    requestHeaders: [CORRELATOR],
    requestBody: schema('CreateCheckNumRecycling', CreateCheckNumRecycling),
    responses: {
      200: { description: 'OK', body: schema('CheckNumRecyclingInfo', CheckNumRecyclingInfo), headers: [CORRELATOR] },
      400: camaraError('INVALID_ARGUMENT: not JSON or not the schema (phoneNumber not E.164, specifiedDate not a calendar day); OUT_OF_RANGE: specifiedDate after today (China)'),
      401: camaraError('UNAUTHENTICATED: no access token, or one that is expired, tampered with, not ours, or of an enterprise no longer registered'),
      403: camaraError('PERMISSION_DENIED: an access token without the scope number-recycling:check, or for another audience'),
      404: camaraError('IDENTIFIER_NOT_FOUND: we hold no records of this number on that day'),
      422: camaraError('MISSING_IDENTIFIER: no phoneNumber with a two-legged token; UNNECESSARY_IDENTIFIER: a phoneNumber with a token that names one; SERVICE_NOT_APPLICABLE: not a mainland China mobile number'),
      429: camaraError('TOO_MANY_REQUESTS: the enterprise\'s rate (shared with the bulk check) is spent; Retry-After gives the wait', [
        CORRELATOR, { name: 'retry-after', description: 'seconds to wait', pattern: '^\\d+$' }
      ]),
      503: camaraError('UNAVAILABLE: try again later')
    },
    security: [{ scheme: 'openId', scopes: [CAMARA_SCOPE] }]
  },
  {
    method: 'post', path: OAUTH_PATHS.token, operationId: 'issueAccessToken',
    summary: 'OAuth 2.0 client credentials: an access token for a registered enterprise',
    description: [
      `client_id is the enterprise id; the client secret is handed over with its enterprise key. Client authentication by HTTP Basic`,
      `(client_secret_basic) or in the form (client_secret_post), not both. The token is an ES256 JWT (typ at+jwt) for this API,`,
      `living ${TOKEN_LIFETIME_SECONDS} s; the scope defaults to ${CAMARA_SCOPE}. Tries are limited per client and address.`
    ].join(' '),
    requestBody: schema('TokenRequest', TokenRequest),
    requestContentType: 'application/x-www-form-urlencoded',
    responses: {
      200: { description: 'the access token', body: schema('TokenResponse', TokenResponse) },
      400: oauthError('invalid_request, unsupported_grant_type or invalid_scope'),
      401: oauthError('invalid_client: unknown client or wrong secret'),
      429: oauthError('slow_down: too many tries for this client from this address; Retry-After gives the wait'),
      503: oauthError('temporarily_unavailable')
    },
    // Basic shown; client_secret_post (both in the form) is accepted too
    security: ['clientSecretBasic']
  },
  {
    method: 'get', path: OAUTH_PATHS.jwks, operationId: 'getJwks',
    summary: 'The keys our access tokens are signed with (current, and the previous one after a rotation)',
    responses: { 200: { description: 'a JWK Set of public keys', body: schema('Jwks', Jwks) }, 503: oauthError('temporarily_unavailable') }
  },
  {
    method: 'get', path: OAUTH_PATHS.discovery, operationId: 'getOpenIdConfiguration',
    summary: 'OpenID Connect / OAuth 2.0 discovery: issuer, token endpoint, JWKS',
    responses: { 200: { description: 'the discovery document', body: schema('DiscoveryDocument', DiscoveryDocument) }, 503: oauthError('temporarily_unavailable') }
  }
]

export function camaraApiDocument (): Record<string, unknown> {
  return openApiDocument({
    title: 'yzt Number Recycling (CAMARA)',
    version: '0.2.0',
    description: [
      'CAMARA Number Recycling r2.2 (API v0.2.0) served by yzt from the carriers\' number histories, for platforms already',
      'integrating with operators\' CAMARA APIs. Errors are CAMARA\'s {"status","code","message"} (messages in Chinese); the',
      'x-correlator header is echoed. Authorised by two-legged OAuth 2.0 access tokens (client credentials) from our own token',
      'endpoint: see the openId security scheme. Generated from the zod schemas in functions/src/contract/camara.ts.'
    ].join(' '),
    servers: [{ url: '/', description: 'the API root of the deployment (CAMARA\'s {apiRoot})' }],
    securitySchemes: {
      openId: { type: 'openIdConnect', openIdConnectUrl: OAUTH_PATHS.discovery, description: 'our discovery document at the API root' },
      clientSecretBasic: { type: 'http', scheme: 'basic', description: 'client_id (the enterprise id) and client secret; or both in the form' }
    },
    operations: CAMARA_OPERATIONS
  })
}
