// The CAMARA check beside the bulk check, over real HTTP on DynamoDB Local: the same answers from
// the same histories (true/false/null → 404), the same per-enterprise rate and audit trail, the
// discovery document and JWKS a CAMARA client reads, and a signing-key rotation.
import { decodeJwt, decodeProtectedHeader, generateKeyPair, exportJWK } from 'jose'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { DEV_OAUTH_SIGNING_KEYS } from '../../src/adapters/oauth-keys'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { carrierKey, enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { chinaDate } from '../../src/domain/china-time'
import { PLATFORM_RATE } from '../../src/domain/lifecycle'
import { accessToken, compliesWith, mintToken } from '../support/camara'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const CHECK = '/number-recycling/v0.2/check'
const LINKED = '13812340011'
const RECYCLED = '13912340012'
const UNKNOWN = '13912340013'
let sys: TestSystem

function signed (kind: 'carrier' | 'enterprise', id: string, method: string, path: string, body?: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body)
  sys.clock.advance(1)
  const key = kind === 'carrier' ? carrierKey(DEV_SECRETS.enterpriseKey, id) : enterpriseKey(DEV_SECRETS.enterpriseKey, id)
  return call(sys.url, method, path, body === undefined ? undefined : text, signedRequestHeaders(id, key, method, path, text, sys.clock.now()))
}

beforeAll(async () => {
  sys = await startTestSystem()
  let n = 0
  const events = [
    [LINKED, 'ACTIVE', '2023-10-09'], [RECYCLED, 'ACTIVE', '2023-10-09'], [RECYCLED, 'CANCELLED', '2024-02-25'], [RECYCLED, 'REISSUED', '2024-09-21']
  ].map(([phone, type, effectiveAt]) => ({ eventId: `cr${++n}`, phone, type, effectiveAt, ...(type === 'REISSUED' && { idSuffix: '54321X' }) }))
  expect((await signed('carrier', 'cmcc', 'POST', LIFECYCLE_PATHS.numberEvents, { events })).status).toBe(200)
})
afterAll(async () => { await sys?.stop() })

const camara = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  call(sys.url, 'POST', CHECK, body, { authorization: `Bearer ${token}`, ...headers })

test('every answer is the bulk check\'s: reassigned true → recycled, false → not, null → 404 IDENTIFIER_NOT_FOUND', async () => {
  const token = await accessToken(sys, 'alipay')
  const today = chinaDate(sys.clock.now())
  const dates = ['2020-01-01', '2023-10-08', '2023-10-09', '2023-12-22', '2024-02-24', '2024-02-25', '2024-03-01', '2024-09-20', '2024-09-21', '2024-09-22', today]
  const numbers = [LINKED, RECYCLED, UNKNOWN]
  const seen = new Set<string>()
  for (const since of dates) {
    sys.clock.advance(3000) // within the shared platform rate (one call every 3 s after the burst)
    const bulk = await signed('enterprise', 'alipay', 'POST', LIFECYCLE_PATHS.numberChecks, { since, numbers })
    expect(bulk.status).toBe(200)
    for (const [i, phone] of numbers.entries()) {
      sys.clock.advance(3000)
      const res = await camara(token, { phoneNumber: `+86${phone}`, specifiedDate: since })
      const reassigned = bulk.body.results[i].reassigned
      seen.add(String(reassigned))
      if (reassigned === null) expect([since, phone, res.status, res.body.code]).toEqual([since, phone, 404, 'IDENTIFIER_NOT_FOUND'])
      else expect([since, phone, res.status, res.body]).toEqual([since, phone, 200, { phoneNumberRecycled: reassigned }])
    }
  }
  // every branch was taken
  expect([...seen].sort()).toEqual(['false', 'null', 'true'])
})

test('CAMARA\'s own examples: the MNO contract day → false; a day in the gap between holders → true', async () => {
  const token = await accessToken(sys, 'alipay')
  sys.clock.advance(6000)
  expect((await camara(token, { phoneNumber: `+86${LINKED}`, specifiedDate: '2023-10-09' })).body).toEqual({ phoneNumberRecycled: false })
  sys.clock.advance(6000)
  expect((await camara(token, { phoneNumber: `+86${RECYCLED}`, specifiedDate: '2024-06-01' })).body).toEqual({ phoneNumberRecycled: true })
})

test('the enterprise\'s audit trail names the CAMARA calls; the rate is the one bucket both APIs spend', async () => {
  const token = await accessToken(sys, 'jd')
  sys.clock.advance(120_000)
  expect((await camara(token, { phoneNumber: `+86${LINKED}`, specifiedDate: '2024-01-01' })).status).toBe(200)
  const audit = await signed('enterprise', 'jd', 'GET', LIFECYCLE_PATHS.audit(chinaDate(sys.clock.now())))
  expect(audit.body.calls.map((c: { route: string, numbers: number }) => [c.route, c.numbers])).toEqual([['camara-check', 1]])
  // spend the rest of jd's burst on the bulk API: the CAMARA check is then refused too
  for (let i = 0; i < PLATFORM_RATE.capacity; i++) await signed('enterprise', 'jd', 'POST', LIFECYCLE_PATHS.numberChecks, { since: '2024-01-01', numbers: [LINKED] })
  const refused = await camara(token, { phoneNumber: `+86${LINKED}`, specifiedDate: '2024-01-01' }, { 'x-correlator': 'rate-1' })
  expect([refused.status, refused.body.code, refused.headers.get('x-correlator'), Number(refused.headers.get('retry-after')) > 0]).toEqual([429, 'TOO_MANY_REQUESTS', 'rate-1', true])
  expect(compliesWith('/components/schemas/ErrorInfo', refused.body)).toBe(true)
  // another enterprise's bucket is its own
  sys.clock.advance(1)
  expect((await camara(await accessToken(sys, 'baidu'), { phoneNumber: `+86${LINKED}`, specifiedDate: '2024-01-01' })).status).toBe(200)
})

test('a bearer token works for its hour, replays included (as any bearer token); its enterprise alone is audited', async () => {
  const token = await accessToken(sys, 'meituan')
  sys.clock.advance(120_000)
  for (let i = 0; i < 3; i++) expect((await camara(token, { phoneNumber: `+86${LINKED}`, specifiedDate: '2024-01-01' })).status).toBe(200)
  expect((await signed('enterprise', 'meituan', 'GET', LIFECYCLE_PATHS.audit(chinaDate(sys.clock.now())))).body.calls).toHaveLength(3)
  expect((await signed('enterprise', 'douyin', 'GET', LIFECYCLE_PATHS.audit(chinaDate(sys.clock.now())))).body.calls).toHaveLength(0)
  sys.clock.advance(3600_000)
  expect((await camara(token, { phoneNumber: `+86${LINKED}`, specifiedDate: '2024-01-01' })).status).toBe(401)
})

test('discovery and JWKS: what a CAMARA client reads at the API root; tokens verify against the published key', async () => {
  const discovery = await call(sys.url, 'GET', '/.well-known/openid-configuration')
  expect(discovery.body).toEqual({
    issuer: sys.url,
    token_endpoint: `${sys.url}/oauth/token`,
    jwks_uri: `${sys.url}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['number-recycling:check'],
    response_types_supported: []
  })
  const jwks = await call(sys.url, 'GET', '/.well-known/jwks.json')
  expect(jwks.body.keys).toEqual([{ kty: 'EC', crv: 'P-256', kid: 'dev-1', x: DEV_OAUTH_SIGNING_KEYS.current.x, y: DEV_OAUTH_SIGNING_KEYS.current.y, use: 'sig', alg: 'ES256' }])
  expect(jwks.text).not.toContain(DEV_OAUTH_SIGNING_KEYS.current.d)

  const token = await accessToken(sys, 'alipay')
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'dev-1' })
  const claims = decodeJwt(token)
  expect(claims).toMatchObject({ iss: sys.url, aud: sys.url, sub: 'alipay', client_id: 'alipay', scope: 'number-recycling:check' })
  expect(claims.exp! - claims.iat!).toBe(3600)
  expect(claims.iat).toBe(Math.floor(sys.clock.now() / 1000))
})

test('key rotation: the new key signs, a token of the previous key still works for its hour, both are published', async () => {
  const next = { kid: 'dev-2', ...await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey) }
  const rotated = await startTestSystem({ env: { YZT_OAUTH_SIGNING_KEYS: JSON.stringify({ current: next, previous: DEV_OAUTH_SIGNING_KEYS.current }) } })
  try {
    const jwks = await call(rotated.url, 'GET', '/.well-known/jwks.json')
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual(['dev-2', 'dev-1'])
    const fresh = await accessToken(rotated, 'alipay')
    expect(decodeProtectedHeader(fresh).kid).toBe('dev-2')
    const old = await mintToken(rotated) // what the previous key signed before the rotation
    for (const token of [fresh, old]) {
      rotated.clock.advance(3000)
      const res = await call(rotated.url, 'POST', CHECK, { phoneNumber: `+86${UNKNOWN}`, specifiedDate: '2024-01-01' }, { authorization: `Bearer ${token}` })
      expect([res.status, res.body.code]).toEqual([404, 'IDENTIFIER_NOT_FOUND'])
    }
  } finally {
    await rotated.stop()
  }
})
