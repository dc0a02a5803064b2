// The CAMARA boundary as an attacker meets it: the token endpoint (wrong, borrowed and guessed
// secrets, malformed requests, the brute-force bound) and the check (forged, tampered, foreign and
// out-of-policy tokens, hostile bodies and headers). Every refusal is a stable code, never a 500,
// never a stack, and writes nothing.
import { DEV_OAUTH_SIGNING_KEYS } from '../../src/adapters/oauth-keys'
import { TOKEN_RATE } from '../../src/handlers/oauth-server'
import { accessToken, basic, compliesWith, invalidTokens, mintToken, secretOf, tokenRequest } from '../support/camara'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const CHECK = '/number-recycling/v0.2/check'
let sys: TestSystem
beforeAll(async () => { sys = await startTestSystem() })
afterAll(async () => { await sys?.stop() })

const GRANT = { grant_type: 'client_credentials' }
const lifecycleRows = async () => (await sys.dump()).NumberLifecycle!.length

describe('the token endpoint', () => {
  test('both client authentication methods work; the answer is an OAuth token response that is never cached', async () => {
    const viaBasic = await tokenRequest(sys, GRANT, { authorization: basic('alipay', secretOf('alipay')) })
    const viaForm = await tokenRequest(sys, { ...GRANT, client_id: 'alipay', client_secret: secretOf('alipay'), scope: 'number-recycling:check' })
    for (const res of [viaBasic, viaForm]) {
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'Bearer', expires_in: 3600, scope: 'number-recycling:check' })
      expect(res.headers.get('cache-control')).toBe('no-store')
    }
  })

  test('wrong, borrowed and unknown credentials are one 401 invalid_client; unknown clients write nothing', async () => {
    const before = await lifecycleRows()
    const attempts = [
      tokenRequest(sys, GRANT, { authorization: basic('ghost', secretOf('ghost')) }),
      tokenRequest(sys, GRANT, { authorization: basic('../alipay', 'x') }),
      tokenRequest(sys, GRANT, { authorization: 'Basic !!!' }),
      tokenRequest(sys, GRANT, { authorization: `Basic ${Buffer.from('alipay').toString('base64')}` }),
      tokenRequest(sys, GRANT, { authorization: 'Bearer x' }),
      tokenRequest(sys, GRANT)
    ]
    for (const res of await Promise.all(attempts)) {
      expect([res.status, res.body.error]).toEqual([401, 'invalid_client'])
    }
    expect(await lifecycleRows()).toBe(before)
    for (const res of [
      await tokenRequest(sys, GRANT, { authorization: basic('alipay', 'wrong') }),
      // another enterprise's secret does not open this client
      await tokenRequest(sys, GRANT, { authorization: basic('alipay', secretOf('tencent')) }),
      await tokenRequest(sys, GRANT, { authorization: basic('alipay', secretOf('alipay').slice(0, -1)) }),
      await tokenRequest(sys, GRANT, { authorization: basic('alipay', 'x'.repeat(300)) })
    ]) {
      expect([res.status, res.body.error, res.headers.get('www-authenticate')]).toEqual([401, 'invalid_client', 'Basic realm="yzt"'])
      expect(JSON.stringify(res.body)).not.toMatch(/access_token|at |Error/)
    }
  })

  test('malformed requests: stable OAuth errors, never a 500', async () => {
    const auth = { authorization: basic('alipay', secretOf('alipay')) }
    const raw = (body: string, contentType: string, headers: Record<string, string> = auth) =>
      fetch(`${sys.url}/oauth/token`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body }).then(async r => [r.status, (await r.json() as { error: string }).error])
    expect(await raw(JSON.stringify(GRANT), 'application/json')).toEqual([400, 'invalid_request'])
    expect(await raw('grant_type=client_credentials&grant_type=client_credentials', 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_request'])
    expect(await raw(`grant_type=client_credentials&pad=${'x'.repeat(3000)}`, 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_request'])
    expect(await raw('', 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_request'])
    expect(await raw('grant_type=password&username=a&password=b', 'application/x-www-form-urlencoded')).toEqual([400, 'unsupported_grant_type'])
    expect(await raw('grant_type=authorization_code&code=x', 'application/x-www-form-urlencoded')).toEqual([400, 'unsupported_grant_type'])
    expect(await raw('grant_type=client_credentials&scope=admin', 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_scope'])
    expect(await raw('grant_type=client_credentials&scope=number-recycling:check%20openid', 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_scope'])
    // both methods at once is ambiguous: refused
    expect(await raw(`grant_type=client_credentials&client_id=alipay&client_secret=${secretOf('alipay')}`, 'application/x-www-form-urlencoded')).toEqual([400, 'invalid_request'])
    expect(await raw('%E0%A4%A=1&grant_type=client_credentials&__proto__=x', 'application/x-www-form-urlencoded')).toEqual([200, undefined])
  })

  test(`brute force: ${TOKEN_RATE.capacity} tries per client and address, then 429 slow_down, the right secret included; other clients unaffected`, async () => {
    // one after another: the store's bucket is read-then-write on its timestamp, and this clock does not move
    // between parallel calls (lifecycle-store.ts takeToken; reported to the lead)
    for (let i = 0; i < TOKEN_RATE.capacity; i++) {
      expect((await tokenRequest(sys, GRANT, { authorization: basic('kuaishou', `guess-${i}`) })).status).toBe(401)
    }
    const limited = await tokenRequest(sys, GRANT, { authorization: basic('kuaishou', secretOf('kuaishou')) })
    expect([limited.status, limited.body.error, Number(limited.headers.get('retry-after'))]).toEqual([429, 'slow_down', 30])
    expect((await tokenRequest(sys, GRANT, { authorization: basic('douyin', secretOf('douyin')) })).status).toBe(200)
    sys.clock.advance(30_000)
    expect((await tokenRequest(sys, GRANT, { authorization: basic('kuaishou', secretOf('kuaishou')) })).status).toBe(200)
  })
})

describe('the check', () => {
  const body = { phoneNumber: '+8613812349999', specifiedDate: '2024-01-01' }

  test('forged, tampered and foreign tokens are 401; another audience or scope is 403; none is ever a 500', async () => {
    sys.clock.advance(120_000)
    const real = await accessToken(sys, 'tencent')
    const before = await lifecycleRows()
    for (const [what, token] of Object.entries(await invalidTokens(sys, real))) {
      const res = await call(sys.url, 'POST', CHECK, body, { authorization: `Bearer ${token}` })
      expect([what, res.status, res.body.code, res.headers.get('www-authenticate')?.startsWith('Bearer')]).toEqual([what, 401, 'UNAUTHENTICATED', true])
    }
    for (const token of [
      await mintToken(sys, { aud: 'https://other.example' }),
      await mintToken(sys, { scope: 'number-verification:verify' }),
      await mintToken(sys, { scope: '' })
    ]) {
      const res = await call(sys.url, 'POST', CHECK, body, { authorization: `Bearer ${token}` })
      expect([res.status, res.body.code]).toEqual([403, 'PERMISSION_DENIED'])
    }
    // nothing spent, nothing audited
    expect(await lifecycleRows()).toBe(before)
    // the real token still works
    expect((await call(sys.url, 'POST', CHECK, body, { authorization: `Bearer ${real}` })).body.code).toBe('IDENTIFIER_NOT_FOUND')
  })

  test('a token cannot be pointed at another enterprise: its signature covers the subject', async () => {
    const real = await accessToken(sys, 'tencent')
    const [h, p, s] = real.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const swapped = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'alipay' })).toString('base64url')}.${s}`
    expect((await call(sys.url, 'POST', CHECK, body, { authorization: `Bearer ${swapped}` })).status).toBe(401)
  })

  test('hostile bodies and headers: CAMARA errors with the correlator, never an echo, never a 500', async () => {
    const token = await accessToken(sys, 'baidu')
    const send = (raw: string | undefined, headers: Record<string, string> = {}) => fetch(sys.url + CHECK, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlator': 'c-1', ...headers }, body: raw
    }).then(async r => ({ status: r.status, correlator: r.headers.get('x-correlator'), body: await r.json() as { status: number, code: string, message: string } }))
    const cases: [string | undefined, Record<string, string>, number, string][] = [
      [JSON.stringify({ ...body, pad: 'x'.repeat(5000) }), {}, 400, 'INVALID_ARGUMENT'],
      [JSON.stringify(body), { 'content-type': 'text/plain' }, 400, 'INVALID_ARGUMENT'],
      ['{"__proto__":{"specifiedDate":"2024-01-01"},"phoneNumber":"+8613812349999"}', {}, 400, 'INVALID_ARGUMENT'],
      [JSON.stringify({ ...body, phoneNumber: '+86138123499<script>' }), {}, 400, 'INVALID_ARGUMENT'],
      [JSON.stringify({ ...body, specifiedDate: '9999-12-31' }), {}, 400, 'OUT_OF_RANGE'],
      [JSON.stringify({ ...body, specifiedDate: '0001-01-01' }), {}, 404, 'IDENTIFIER_NOT_FOUND'],
      [JSON.stringify({ ...body, phoneNumber: '+8613812349999', extra: { deep: [1, 2, 3] } }), {}, 404, 'IDENTIFIER_NOT_FOUND']
    ]
    for (const [raw, headers, status, code] of cases) {
      const res = await send(raw, headers)
      expect([raw?.slice(0, 40), res.status, res.body.code, res.correlator]).toEqual([raw?.slice(0, 40), status, code, 'c-1'])
      expect(compliesWith('/components/schemas/ErrorInfo', res.body)).toBe(true)
      expect(res.body.message).not.toMatch(/script|13812349999|at \w+ \(/)
    }
    // a correlator CAMARA's pattern refuses is refused, and never sent back
    const bad = await send(JSON.stringify(body), { 'x-correlator': 'a b"c' })
    expect([bad.status, bad.body.code, bad.correlator]).toEqual([400, 'INVALID_ARGUMENT', null])
    const long = await send(JSON.stringify(body), { 'x-correlator': 'a'.repeat(257) })
    expect([long.status, long.correlator]).toEqual([400, null])
  })

  test('the JWKS and discovery never carry a private key part', async () => {
    for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration']) {
      const res = await call(sys.url, 'GET', path)
      expect(res.status).toBe(200)
      expect(res.text).not.toContain(DEV_OAUTH_SIGNING_KEYS.current.d)
      expect(res.text).not.toMatch(/"d"\s*:/)
    }
  })
})
