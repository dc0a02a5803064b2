// What the CAMARA tests share: CAMARA's own definition (the copied r2.2 yaml) as JSON Schema,
// our token endpoint, and tokens minted with the public development key (forged or out-of-policy
// tokens that our endpoint would never issue).
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import Ajv from 'ajv'
import { parse } from 'yaml'
import { generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose'
import { DEV_SECRETS, masterKeysOf } from '../../src/adapters/secrets'
import { DEV_OAUTH_SIGNING_KEYS } from '../../src/adapters/oauth-keys'
import { clientSecret } from '../../src/lib/oauth-clients'
import { OAUTH_PATHS } from '../../src/lib/oauth'
import type { TestSystem } from './harness'

export const CAMARA_DIR = path.resolve(__dirname, '../fixtures/camara')
export const CAMARA_DOC = parse(readFileSync(path.join(CAMARA_DIR, 'number-recycling.yaml'), 'utf8')) as Record<string, any>

const ajv = new Ajv({ strict: false, allErrors: true })
/** RFC 3339 full-date: a real calendar day */
const fullDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
ajv.addFormat('date', { type: 'string', validate: fullDate })
ajv.addSchema(CAMARA_DOC, 'camara')

/** does value comply with the CAMARA schema at this pointer ("/components/schemas/X" or "#/components/…")? */
export function compliesWith (pointer: string, value: unknown): boolean {
  const validate = ajv.getSchema(`camara#${pointer.replace(/^#/, '')}`)
  if (!validate) throw new Error(`no schema at ${pointer} in number-recycling.yaml`)
  return validate(value) as boolean
}

export const correlator = () => randomUUID()

/** the client secret operations hand an enterprise (dev master key) */
export const secretOf = (enterpriseId: string) => clientSecret(masterKeysOf(DEV_SECRETS), enterpriseId, Date.now())

export async function tokenRequest (sys: TestSystem, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(sys.url + OAUTH_PATHS.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString()
  })
  return { status: res.status, headers: res.headers, body: await res.json() as Record<string, any> }
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/** a token from our own endpoint (client_secret_basic) */
export async function accessToken (sys: TestSystem, enterpriseId = 'alipay', scope?: string): Promise<string> {
  const res = await tokenRequest(sys, { grant_type: 'client_credentials', ...(scope && { scope }) }, { authorization: basic(enterpriseId, secretOf(enterpriseId)) })
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.access_token as string
}

/**
 * A token signed with the development key (or `key`), shaped like ours unless told otherwise: for
 * what our endpoint never issues (another audience, another scope, a three-legged subject, forgeries).
 */
export async function mintToken (sys: TestSystem, claims: JWTPayload = {}, opts: { header?: Record<string, unknown>, key?: Parameters<SignJWT['sign']>[0] } = {}): Promise<string> {
  const iat = Math.floor(sys.clock.now() / 1000)
  const key = opts.key ?? await importJWK({ ...DEV_OAUTH_SIGNING_KEYS.current, alg: 'ES256' }, 'ES256')
  return new SignJWT({ scope: 'number-recycling:check', client_id: 'alipay', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: DEV_OAUTH_SIGNING_KEYS.current.kid, ...opts.header })
    .setIssuer((claims.iss as string) ?? sys.url)
    .setSubject((claims.sub as string) ?? 'alipay')
    .setAudience((claims.aud as string) ?? sys.url)
    .setIssuedAt((claims.iat as number) ?? iat)
    .setExpirationTime((claims.exp as number) ?? iat + 3600)
    .setJti(randomUUID())
    .sign(key)
}

export const foreignKey = async () => (await generateKeyPair('ES256')).privateKey

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** tokens that are not valid for reasons other than expiry: each must be 401 */
export async function invalidTokens (sys: TestSystem, real: string): Promise<Record<string, string>> {
  const [header, payload, signature] = real.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  const { createHmac } = await import('node:crypto')
  const publicJwk = JSON.stringify({ kty: 'EC', crv: 'P-256', x: DEV_OAUTH_SIGNING_KEYS.current.x, y: DEV_OAUTH_SIGNING_KEYS.current.y })
  const hsHeader = b64({ alg: 'HS256', typ: 'at+jwt', kid: DEV_OAUTH_SIGNING_KEYS.current.kid })
  const hsBody = b64(claims)
  return {
    'tampered payload (another enterprise)': `${header}.${b64({ ...claims, ...Object.fromEntries(['sub', 'client_id'].map(k => [k, claims.sub === 'alipay' ? 'tencent' : 'alipay'])) })}.${signature}`,
    'tampered payload (a longer life)': `${header}.${b64({ ...claims, exp: claims.exp + 86400 })}.${signature}`,
    'signature cut off': `${header}.${payload}.`,
    'alg none': `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
    'HS256 keyed with our public key': `${hsHeader}.${hsBody}.${createHmac('sha256', publicJwk).update(`${hsHeader}.${hsBody}`).digest('base64url')}`,
    'signed by another key under our kid': await mintToken(sys, {}, { key: await foreignKey() }),
    'another issuer': await mintToken(sys, { iss: 'https://issuer.example' }),
    'an enterprise not in the catalogue': await mintToken(sys, { sub: 'ghost', client_id: 'ghost' }),
    'living longer than an hour': await mintToken(sys, { exp: Math.floor(sys.clock.now() / 1000) + 7200 }),
    'issued in the future': await mintToken(sys, { iat: Math.floor(sys.clock.now() / 1000) + 600 }),
    'not a JWT': 'not-a-token',
    'an ID token type': await mintToken(sys, {}, { header: { typ: 'JWT' } })
  }
}
