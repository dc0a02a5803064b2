// OAuth 2.0 access tokens for the CAMARA API (client credentials, RFC 6749 §4.4), as JWTs
// (RFC 9068 `at+jwt`) signed with ES256 by jose. We are both the issuer and the only resource
// server: a token is checked against our own published keys (current and, after a rotation,
// previous), our issuer, our audience, its lifetime and its scope.
import { createLocalJWKSet, errors, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose'
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import type { OAuthSigningJwk, OAuthSigningKeys } from '#adapters/secrets'
import { TOKEN_LIFETIME_SECONDS } from '#contract/camara'

export { CAMARA_SCOPE, OAUTH_PATHS, SCOPES_SUPPORTED, TOKEN_LIFETIME_SECONDS } from '#contract/camara'
export const TOKEN_ALG = 'ES256'
export const TOKEN_TYPE = 'at+jwt'

/** the API root: the configured public URL, or the domain the request reached (API Gateway's, or a custom one) */
export function apiRoot (publicUrl: string | undefined, event: APIGatewayProxyEventV2): string {
  return publicUrl ?? `https://${event.requestContext?.domainName ?? 'localhost'}`
}

/** issuer and audience are both the API root: tokens are issued by this API for this API only */
export const issuerOf = apiRoot
export const audienceOf = apiRoot

export function publicJwk ({ d: _private, ...jwk }: OAuthSigningJwk): JWK {
  return { ...jwk, use: 'sig', alg: TOKEN_ALG }
}

/** GET /.well-known/jwks.json: every key a valid token may be signed with (never a private part) */
export function publicJwks (keys: OAuthSigningKeys): { keys: JWK[] } {
  return { keys: [keys.current, ...(keys.previous ? [keys.previous] : [])].map(publicJwk) }
}

export interface TokenGrant {
  issuer: string
  audience: string
  /** the enterprise (client_id): it alone decides whose rate and audit a call spends */
  clientId: string
  scope: string
  jti: string
  now: number
}

export async function issueAccessToken (keys: OAuthSigningKeys, grant: TokenGrant): Promise<string> {
  const iat = Math.floor(grant.now / 1000)
  const key = await importJWK({ ...keys.current, alg: TOKEN_ALG }, TOKEN_ALG)
  return new SignJWT({ scope: grant.scope, client_id: grant.clientId })
    .setProtectedHeader({ alg: TOKEN_ALG, typ: TOKEN_TYPE, kid: keys.current.kid })
    .setIssuer(grant.issuer)
    .setSubject(grant.clientId)
    .setAudience(grant.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
    .setJti(grant.jti)
    .sign(key)
}

export type TokenCheck =
  | { ok: true, clientId: string, claims: JWTPayload }
  /** 401: no valid token (missing, malformed, forged, tampered, expired, not ours) */
  | { ok: false, status: 401, reason: string }
  /** 403: a valid token of ours, but not for this API or without the scope */
  | { ok: false, status: 403, reason: string }

export async function verifyAccessToken (
  keys: OAuthSigningKeys,
  token: string,
  want: { issuer: string, audience: string, scope: string, now: number }
): Promise<TokenCheck> {
  let claims: JWTPayload
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(publicJwks(keys)), {
      // only our algorithm: no `none`, no HMAC keyed with a public key
      algorithms: [TOKEN_ALG],
      typ: TOKEN_TYPE,
      issuer: want.issuer,
      currentDate: new Date(want.now),
      // a token claiming a longer life than we ever issue is not one of ours
      maxTokenAge: TOKEN_LIFETIME_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'scope']
    }))
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, status: 401, reason: 'expired' }
    if (err instanceof errors.JOSEError) return { ok: false, status: 401, reason: err.code }
    throw err
  }
  if (typeof claims.sub !== 'string' || (claims.exp! - claims.iat!) > TOKEN_LIFETIME_SECONDS) return { ok: false, status: 401, reason: 'claims' }
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud ?? []
  if (!audiences.includes(want.audience)) return { ok: false, status: 403, reason: 'audience' }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
  if (!scopes.includes(want.scope)) return { ok: false, status: 403, reason: 'scope' }
  return { ok: true, clientId: claims.sub, claims }
}

/** the bearer token of an Authorization header, or undefined */
export function bearerToken (header: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header?.trim() ?? '')
  return m?.[1]
}
