// Our OAuth 2.0 authorisation server for the CAMARA API: the token endpoint (client credentials:
// the catalogue's enterprises, with the client secret of lib/oauth-clients.ts), the signing keys as
// a JWKS, and the discovery document that CAMARA's openIdConnect security scheme points at.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { TokenRequest, type DiscoveryDocument, type OAuthError, type TokenResponse } from '#contract/camara'
import { runtime, type Runtime } from '#adapters/runtime'
import { masterKeysOf } from '#adapters/secrets'
import { oauthSigningKeys } from '#adapters/oauth-keys'
import { json, sourceIp, type HttpResult } from '#lib/http'
import { logger } from '#lib/logger'
import { publishMetrics } from '#lib/metrics'
import { clientAuthentication, clientSecrets, secretMatches } from '#lib/oauth-clients'
import { apiRoot, issueAccessToken, issuerOf, audienceOf, OAUTH_PATHS, publicJwks, SCOPES_SUPPORTED, TOKEN_LIFETIME_SECONDS } from '#lib/oauth'

const MAX_FORM_BYTES = 2048
/**
 * Tries at the token endpoint per client and source address: a burst of 20, then one every 30 s.
 * A client needs one token an hour per process; guessing a 256-bit secret is hopeless anyway, this
 * bounds what a flood costs (and keeps one address from locking out the client elsewhere).
 */
export const TOKEN_RATE = { capacity: 20, perSecond: 1 / 30 }

const NO_STORE = { pragma: 'no-cache' }

function oauthError (status: number, error: OAuthError['error'], description: string, headers: Record<string, string> = {}): HttpResult {
  return json(status, { error, error_description: description } satisfies OAuthError, { ...NO_STORE, ...headers })
}

function formOf (event: APIGatewayProxyEventV2): URLSearchParams | HttpResult {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase()
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/.test(contentType)) return oauthError(400, 'invalid_request', '请求应为 application/x-www-form-urlencoded')
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  if (Buffer.byteLength(raw, 'utf8') > MAX_FORM_BYTES) return oauthError(400, 'invalid_request', '请求内容过长')
  const form = new URLSearchParams(raw)
  // RFC 6749 §3.2: a parameter sent twice is an invalid request
  const names = [...form.keys()]
  if (new Set(names).size !== names.length) return oauthError(400, 'invalid_request', '参数重复')
  return form
}

async function token (r: Runtime, event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const form = formOf(event)
  if (!(form instanceof URLSearchParams)) return form
  const request = TokenRequest.safeParse(Object.fromEntries(form))
  if (!request.success) {
    return form.get('grant_type')
      ? oauthError(400, 'unsupported_grant_type', '仅支持 client_credentials')
      : oauthError(400, 'invalid_request', '缺少 grant_type')
  }
  const scopes = (request.data.scope ?? SCOPES_SUPPORTED.join(' ')).split(' ')
  if (!scopes.every(s => (SCOPES_SUPPORTED as readonly string[]).includes(s))) return oauthError(400, 'invalid_scope', '不支持的 scope')

  const client = clientAuthentication(event.headers?.authorization, form)
  const refuse = () => oauthError(401, 'invalid_client', '客户端认证失败', { 'www-authenticate': 'Basic realm="yzt"' })
  if (!client.ok) return client.error === 'invalid_client' ? refuse() : oauthError(400, client.error, client.description)
  const known = (await r.enterprises()).catalogue.enterprises.some(e => e.id === client.clientId)
  // an unknown client writes nothing (no bucket of its own); a known one spends a try before its secret is compared
  if (!known) return refuse()
  const now = r.clock.now()
  const slot = await r.callerLedger.takeToken(`oauth-token:${client.clientId}:${sourceIp(event)}`, TOKEN_RATE, now)
  if (!slot.ok) {
    const wait = String(Math.max(1, Math.ceil(slot.retryAfterSeconds)))
    return oauthError(429, 'slow_down', '请求过于频繁，请稍后再试', { 'retry-after': wait })
  }
  const secrets = await r.secrets.get()
  if (!secretMatches(clientSecrets(masterKeysOf(secrets), client.clientId, now), client.secret)) {
    logger.warn('oauth client authentication failed', { enterpriseId: client.clientId })
    return refuse()
  }
  const scope = [...new Set(scopes)].join(' ')
  const root = apiRoot(r.publicUrl, event)
  const accessToken = await issueAccessToken(oauthSigningKeys(secrets), {
    issuer: issuerOf(r.publicUrl, event), audience: audienceOf(r.publicUrl, event), clientId: client.clientId, scope, jti: r.random.id(), now
  })
  logger.info('oauth token issued', { enterpriseId: client.clientId, scope, apiRoot: root })
  return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope } satisfies TokenResponse, NO_STORE)
}

function discovery (r: Runtime, event: APIGatewayProxyEventV2): HttpResult {
  const root = apiRoot(r.publicUrl, event)
  const doc: DiscoveryDocument = {
    issuer: issuerOf(r.publicUrl, event),
    token_endpoint: root + OAUTH_PATHS.token,
    jwks_uri: root + OAUTH_PATHS.jwks,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...SCOPES_SUPPORTED],
    response_types_supported: []
  }
  return json(200, doc, { 'cache-control': 'public, max-age=300' })
}

export const makeHandler = (rt: () => Promise<Runtime>) => async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
  try {
    const r = await rt()
    if (event.requestContext?.http?.method === 'POST') return await token(r, event)
    if (event.rawPath === OAUTH_PATHS.jwks) {
      // only we verify our tokens (from the secrets, not this document): the cache matters to onlookers alone
      return json(200, publicJwks(oauthSigningKeys(await r.secrets.get())), { 'cache-control': 'public, max-age=300' })
    }
    return discovery(r, event)
  } catch (err) {
    logger.error('oauth request failed', { route: event.routeKey, error: err as Error })
    return oauthError(503, 'temporarily_unavailable', '服务暂时不可用')
  } finally {
    publishMetrics()
  }
}

export const handler = makeHandler(runtime)
