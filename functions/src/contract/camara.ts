// The CAMARA Number Recycling API (r2.2, v0.2.0) as we serve it, and the OAuth 2.0 endpoints that
// authorise it. Schema names follow CAMARA's number-recycling.yaml; a test checks them against it
// (test/unit/camara-contract.test.ts).
import * as z from 'zod/mini'

export const CAMARA_BASE_PATH = '/number-recycling/v0.2'
export const CAMARA_CHECK_PATH = `${CAMARA_BASE_PATH}/check`
export const CORRELATOR_HEADER = 'x-correlator'

export const CAMARA_SCOPE = 'number-recycling:check'
export const SCOPES_SUPPORTED = [CAMARA_SCOPE] as const
/** CAMARA asks for short-lived tokens; a client asks again after this */
export const TOKEN_LIFETIME_SECONDS = 3600

export const OAUTH_PATHS = {
  token: '/oauth/token',
  jwks: '/.well-known/jwks.json',
  discovery: '/.well-known/openid-configuration'
} as const

/** CAMARA_common: E.164 with a leading + */
export const PhoneNumber = z.string().check(z.regex(/^\+[1-9][0-9]{4,14}$/, '号码应为带 + 的 E.164 格式'))
export const XCorrelator = z.string().check(z.regex(/^[a-zA-Z0-9-_:;./<>{}]{0,256}$/, 'x-correlator 格式不正确'))

/** open like CAMARA's schema (no additionalProperties: false): a CAMARA client's extra field is not an error */
export const CreateCheckNumRecycling = z.object({
  phoneNumber: z.optional(PhoneNumber),
  /** RFC 3339 full-date: a real calendar day (2024-02-30 is refused) */
  specifiedDate: z.iso.date('日期应为 YYYY-MM-DD 格式的有效日期')
})
export type CreateCheckNumRecycling = z.output<typeof CreateCheckNumRecycling>

export const CheckNumRecyclingInfo = z.object({ phoneNumberRecycled: z.boolean() })
export type CheckNumRecyclingInfo = z.infer<typeof CheckNumRecyclingInfo>

export const CAMARA_ERROR_CODES = [
  'INVALID_ARGUMENT', 'OUT_OF_RANGE', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'IDENTIFIER_NOT_FOUND',
  'SERVICE_NOT_APPLICABLE', 'MISSING_IDENTIFIER', 'UNNECESSARY_IDENTIFIER', 'TOO_MANY_REQUESTS', 'UNAVAILABLE'
] as const
export type CamaraErrorCode = typeof CAMARA_ERROR_CODES[number]

export const ErrorInfo = z.object({ status: z.int(), code: z.string(), message: z.string() })
export type ErrorInfo = z.infer<typeof ErrorInfo>

// ---- OAuth 2.0 (RFC 6749 §4.4 client credentials, RFC 8414 / OpenID discovery, RFC 7517 JWKS)

export const TokenRequest = z.object({
  grant_type: z.literal('client_credentials'),
  scope: z.optional(z.string()),
  client_id: z.optional(z.string()),
  client_secret: z.optional(z.string())
})

export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int(),
  scope: z.string()
})
export type TokenResponse = z.infer<typeof TokenResponse>

export const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope', 'slow_down', 'temporarily_unavailable'] as const
export const OAuthError = z.object({
  error: z.enum(OAUTH_ERRORS),
  error_description: z.optional(z.string())
})
export type OAuthError = z.infer<typeof OAuthError>

export const Jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), kid: z.string(), crv: z.string(), x: z.string(), y: z.string(), use: z.string(), alg: z.string() }))
})

export const DiscoveryDocument = z.object({
  issuer: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  /** empty: no authorization endpoint (client credentials only, no three-legged flow yet) */
  response_types_supported: z.array(z.string())
})
export type DiscoveryDocument = z.infer<typeof DiscoveryDocument>
