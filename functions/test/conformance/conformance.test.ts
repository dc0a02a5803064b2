// The conformance kit against the mocked enterprises of the running system (every one must pass)
// and against deliberately broken enterprises (each must fail, with every broken rule named).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { catalogue } from '../../src/catalogue/index'
import { MOCK_ENTERPRISE_ROUTE } from '../../src/infra-shared/routes'
import { readBody } from '../../src/local/http-bridge'
import { enterpriseKey, signAnswer, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../src/lib/signing'
import { formatReport, runConformance, type CheckResult } from '../../conformance/kit'
import { ManualClock, startTestSystem, type TestSystem } from '../support/harness'

const FUNCTIONS_DIR = path.resolve(__dirname, '../..')
const CHECKS = [
  'refuses an unsigned request',
  'refuses a stale request (6 minutes old)',
  'refuses a request from the future (6 minutes ahead)',
  'refuses a request signed with a wrong key',
  'refuses a request whose body was changed after signing',
  'answers a signed request with 200',
  'answers within the 2000 ms deadline',
  'answer matches AccountCountAnswer',
  'answer is signed for this request (x-yzt-signature over "answer", the request id and the body)',
  'the same request id again gets the same answer (idempotent)'
]
const failed = (results: CheckResult[]) => results.filter(r => !r.ok).map(r => r.name)
const endpoint = (base: string, id: string) => base + MOCK_ENTERPRISE_ROUTE.path.replace('{enterpriseId}', id)

let sys: TestSystem
let keyDir: string
beforeAll(async () => {
  // the kit signs with the real time: the system's clock must agree
  sys = await startTestSystem({ clock: new ManualClock(Date.now()) })
  keyDir = mkdtempSync(path.join(tmpdir(), 'conformance-'))
})
afterAll(async () => {
  await sys?.stop()
  rmSync(keyDir, { recursive: true, force: true })
})

const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) { s.closeAllConnections(); await new Promise(resolve => s.close(resolve)) }
})

/** an enterprise that breaks the protocol in the ways `answer` chooses */
async function brokenEnterprise (answer: (req: http.IncomingMessage, body: string) => { status: number, body: string, headers?: Record<string, string> }): Promise<string> {
  const server = http.createServer(async (req, res) => {
    const a = answer(req, (await readBody(req)).toString('utf8'))
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body)
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/counts`
}

const keyOf = (id: string) => enterpriseKey(DEV_SECRETS.enterpriseKey, id)

function runCli (url: string, enterpriseId: string, key: string): Promise<{ code: number, out: string }> {
  const keyFile = path.join(keyDir, `${enterpriseId}.key`)
  writeFileSync(keyFile, key + '\n')
  // async: the endpoints under test live in this process and must keep answering
  return new Promise(resolve => {
    execFile(process.execPath, [require.resolve('tsx/cli'), 'conformance/cli.ts', '--url', url, '--enterprise', enterpriseId, '--key-file', keyFile],
      { cwd: FUNCTIONS_DIR, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr }))
  })
}

test.each(catalogue.enterprises.map(e => e.id))('the mocked enterprise %s passes every check', async id => {
  const results = await runConformance({ url: endpoint(sys.mockUrl, id), enterpriseId: id, key: keyOf(id) })
  expect(results.map(r => r.name)).toEqual(CHECKS)
  expect(failed(results)).toEqual([])
})

test('npm run conformance against a mocked enterprise: one line per check, exit 0', async () => {
  const { code, out } = await runCli(endpoint(sys.mockUrl, 'jd'), 'jd', keyOf('jd'))
  expect(out).toContain('PASSED: all 10 checks')
  expect(out.match(/✓/g)).toHaveLength(10)
  expect(out).toContain('138****5551')
  expect(code).toBe(0)
})

test('a broken enterprise (checks nothing, signs nothing, random counts) fails, and the report names every broken rule', async () => {
  const url = await brokenEnterprise(() => ({ status: 200, body: JSON.stringify({ accounts: { qq: Math.floor(Math.random() * 1e9), wechat: 'many' } }) }))
  const results = await runConformance({ url, enterpriseId: 'tencent', key: keyOf('tencent') })
  expect(failed(results)).toEqual([
    'refuses an unsigned request',
    'refuses a stale request (6 minutes old)',
    'refuses a request from the future (6 minutes ahead)',
    'refuses a request signed with a wrong key',
    'refuses a request whose body was changed after signing',
    'answer matches AccountCountAnswer',
    'answer is signed for this request (x-yzt-signature over "answer", the request id and the body)',
    'the same request id again gets the same answer (idempotent)'
  ])
  const report = formatReport({ url, enterpriseId: 'tencent' }, results)
  expect(report).toContain('✗ refuses an unsigned request — got 200, want 401')
  expect(report).toContain('✗ answer is signed for this request (x-yzt-signature over "answer", the request id and the body) — no x-yzt-signature header')
  expect(report).toContain('✓ answers a signed request with 200')
  expect(report).toContain('FAILED: 8 of 10 checks failed')

  const { code, out } = await runCli(url, 'tencent', keyOf('tencent'))
  expect(code).toBe(1)
  expect(out).toContain('FAILED: 8 of 10 checks failed')
  expect(out.match(/✗/g)).toHaveLength(8)
})

test('a subtly broken enterprise (no clock check; answer signed over the body only) fails exactly those checks', async () => {
  const key = keyOf('baidu')
  const url = await brokenEnterprise((req, body) => {
    // verifies the signature but ignores the timestamp's age
    if (!verifyRequest([key], req.headers[TIMESTAMP_HEADER] as string, req.headers[SIGNATURE_HEADER] as string, body, Number(req.headers[TIMESTAMP_HEADER]))) {
      return { status: 401, body: '{"error":"bad signature"}' }
    }
    const answer = JSON.stringify({ accounts: { baidu: 2 } })
    return { status: 200, body: answer, headers: { [SIGNATURE_HEADER]: signAnswer(key, '', answer) } }
  })
  const results = await runConformance({ url, enterpriseId: 'baidu', key })
  expect(failed(results)).toEqual([
    'refuses a stale request (6 minutes old)',
    'refuses a request from the future (6 minutes ahead)',
    'answer is signed for this request (x-yzt-signature over "answer", the request id and the body)'
  ])
})

test('an enterprise that redirects, or answers too late, fails the answer checks', async () => {
  const redirecting = await brokenEnterprise(() => ({ status: 307, body: '', headers: { location: endpoint(sys.mockUrl, 'jd') } }))
  const results = await runConformance({ url: redirecting, enterpriseId: 'jd', key: keyOf('jd') })
  expect(results.find(r => r.name === 'answers a signed request with 200')).toMatchObject({ ok: false, detail: 'got 307' })

  // scaled down: a 300 ms enterprise against a 200 ms deadline stands for one slower than 2 s
  sys.mock.setFaults('jd', { latencyMs: 300 })
  try {
    const late = await runConformance({ url: endpoint(sys.mockUrl, 'jd'), enterpriseId: 'jd', key: keyOf('jd'), deadlineMs: 200 })
    expect(failed(late)).toEqual(['answers within the 200 ms deadline'])
  } finally {
    sys.mock.clearFaults()
  }
})
