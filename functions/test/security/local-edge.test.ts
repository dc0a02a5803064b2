// The local runtime's own edge, over real HTTP: paths `new URL` rejects, the dev routes (loopback Host
// only, no CORS, JSON only, a number required), malformed %-escapes on the static server, and
// unknown fields named like Object.prototype members.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ErrorBody } from '../../src/contract/index'
import { closeRawAgent, raw } from '../support/raw-http'
import { requestCodeAndRead, startTestSystem, type TestSystem } from '../support/harness'

const PHONE = '13800005551'
let sys: TestSystem
let webRoot: string
beforeAll(async () => {
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-web-'))
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>h5</title>')
  sys = await startTestSystem({ webRoot })
})
afterAll(async () => {
  closeRawAgent()
  await sys?.stop()
  fs.rmSync(webRoot, { recursive: true, force: true })
})

const host = () => new URL(sys.url).host

describe('paths that are not URLs', () => {
  test.each(['//', '//x:y/', '//[::1', 'http://[bad/', '*'])('%s gets a 4xx from the API and the mocked enterprises, which both keep serving', async target => {
    for (const base of [sys.url, sys.mockUrl]) {
      for (const method of ['GET', 'POST']) {
        const reply = await raw(base, { method, path: target, headers: { host: host(), 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined })
        expect([base, method, reply.status >= 400 && reply.status < 500]).toEqual([base, method, true])
      }
    }
    expect((await raw(sys.url, { method: 'GET', path: '/v1/enterprises' })).status).toBe(200)
  })
})

describe('dev routes', () => {
  test('GET /dev/sms needs a number, and shows that number\'s SMS only, without CORS headers', async () => {
    await requestCodeAndRead(sys, PHONE)
    const none = await raw(sys.url, { method: 'GET', path: '/dev/sms' })
    expect(none.status).toBe(400)
    expect(ErrorBody.parse(JSON.parse(none.text)).error).toMatchObject({ code: 'INVALID_INPUT', fields: { phone: expect.any(String) } })
    expect(none.text).not.toMatch(/验证码/)
    const bad = await raw(sys.url, { method: 'GET', path: '/dev/sms?phone=1' })
    expect(bad.status).toBe(400)

    const mine = await raw(sys.url, { method: 'GET', path: `/dev/sms?phone=${PHONE}`, headers: { origin: 'https://evil.example' } })
    expect(mine.status).toBe(200)
    expect(JSON.parse(mine.text).messages.length).toBeGreaterThan(0)
    expect(Object.keys(mine.headers).filter(h => h.startsWith('access-control-'))).toEqual([])
    const preflight = await raw(sys.url, { method: 'OPTIONS', path: '/dev/faults', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBeGreaterThanOrEqual(400)
    expect(Object.keys(preflight.headers).filter(h => h.startsWith('access-control-'))).toEqual([])
  })

  test.each(['evil.example', 'evil.example:80', '127.0.0.1.nip.io', 'localhost.evil.example', '0.0.0.0'])('a request addressed to Host %j is not served', async hostHeader => {
    for (const r of [
      { method: 'GET', path: `/dev/sms?phone=${PHONE}` },
      { method: 'POST', path: '/dev/faults', body: '{"baidu":{"latencyMs":1}}', headers: { 'content-type': 'application/json' } }
    ]) {
      const reply = await raw(sys.url, { ...r, headers: { ...r.headers, host: hostHeader } })
      expect([r.method, reply.status]).toEqual([r.method, 404])
      expect(reply.text).not.toMatch(/验证码|messages/)
    }
  })

  test.each(['localhost', '127.0.0.1', '127.1.2.3:8080', '[::1]:3000'])('Host %j is loopback and served', async hostHeader => {
    const reply = await raw(sys.url, { method: 'GET', path: `/dev/sms?phone=${PHONE}`, headers: { host: hostHeader } })
    expect(reply.status).toBe(200)
  })

  test('POST /dev/faults takes JSON only, known enterprises only, and changes nothing when refused', async () => {
    const faults = '{"baidu":{"latencyMs":3000}}'
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const reply = await raw(sys.url, { method: 'POST', path: '/dev/faults', body: faults, headers: contentType ? { 'content-type': contentType } : {} })
      expect([contentType, reply.status]).toEqual([contentType, 415])
    }
    const json = { 'content-type': 'application/json' }
    const malformed = await raw(sys.url, { method: 'POST', path: '/dev/faults', body: '{', headers: json })
    expect(malformed.status).toBe(400)
    for (const body of ['[]', '1', 'null', '{"__proto__":{"latencyMs":1}}', '{"nobody":{}}', '{"baidu":{"latencyMs":-1}}', '{"baidu":{"latencyMs":1},"constructor":{}}']) {
      const reply = await raw(sys.url, { method: 'POST', path: '/dev/faults', body, headers: json })
      expect([body, reply.status]).toEqual([body, 400])
    }
    expect(({} as Record<string, unknown>).latencyMs).toBeUndefined()
    const named = JSON.parse((await raw(sys.url, { method: 'POST', path: '/dev/faults', body: '{"__proto__":{}}', headers: json })).text)
    expect(Object.keys(named.error.fields)).toEqual(['__proto__'])
    const ok = await raw(sys.url, { method: 'POST', path: '/dev/faults', body: '{"baidu":{"latencyMs":0}}', headers: json })
    expect(ok.status).toBe(200)
    expect(Object.keys(ok.headers).filter(h => h.startsWith('access-control-'))).toEqual([])
  })
})

describe('static files', () => {
  test.each(['/%', '/%E4%B8', '/%zz/index.html', '/assets/%C0%AF'])('a malformed escape %s is a 400, and the server keeps serving', async p => {
    const reply = await raw(sys.url, { method: 'GET', path: p })
    expect(reply.status).toBe(400)
    expect((await raw(sys.url, { method: 'GET', path: '/' })).status).toBe(200)
  })
})

describe('unknown fields named like Object.prototype members', () => {
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is refused by name', async field => {
    const body = `{"phone":"${PHONE}","${field}":{}}`
    const reply = await raw(sys.url, { method: 'POST', path: '/v1/verification-codes', body, headers: { 'content-type': 'application/json' } })
    expect(reply.status).toBe(400)
    expect(ErrorBody.parse(JSON.parse(reply.text)).error.code).toBe('INVALID_INPUT')
    // JSON.parse keeps `__proto__` as an own key (a schema parse would drop it)
    expect(Object.keys(JSON.parse(reply.text).error.fields)).toEqual([field])
  })
})

describe('bodies past Lambda\'s 6 MB', () => {
  test.each([7, 11])('a %i MB body is a 413 PAYLOAD_TOO_LARGE with the JSON error body, never a 5xx', async mb => {
    const body = Buffer.alloc(mb * 1024 * 1024, 'a')
    const reply = await raw(sys.url, { method: 'POST', path: '/v1/verification-codes', body, headers: { 'content-type': 'application/json' } })
    expect(reply.status).toBe(413)
    expect(ErrorBody.parse(JSON.parse(reply.text)).error.code).toBe('PAYLOAD_TOO_LARGE')
  })
})
