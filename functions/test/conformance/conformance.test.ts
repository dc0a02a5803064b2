// The conformance kit against the mocked enterprises of the running system (every one must pass)
// and against deliberately broken enterprises (each must fail, with every broken rule named): all three
// endpoints of the connector (account counts, release notices, disputes) and the dispute callback.
import { execFile } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { catalogue } from '../../src/catalogue/index'
import { MOCK_ENTERPRISE_ROUTE } from '../../src/infra-shared/routes'
import { readBody } from '../../src/local/http-bridge'
import { enterpriseKey, signAnswer, signedRequestHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../src/lib/signing'
import type { DisputeCallback, DisputeRequest } from '../../src/contract/disputes'
import { formatReport, runConformance, type CheckResult } from '../../conformance/kit'
import { ManualClock, startTestSystem, type TestSystem } from '../support/harness'

const FUNCTIONS_DIR = path.resolve(__dirname, '../..')
const REFUSALS = [
  'refuses an unsigned request',
  'refuses a stale request (6 minutes old)',
  'refuses a request from the future (6 minutes ahead)',
  'refuses a request signed with a wrong key',
  'refuses a request whose body was changed after signing'
]
const COUNT_CHECKS = [
  ...REFUSALS.map(r => `account-counts: ${r}`),
  'account-counts: answers a signed request with 200',
  'account-counts: answers within the 2000 ms deadline',
  'account-counts: answer matches AccountCountAnswer',
  'account-counts: answer is signed for this request (x-yzt-signature over "answer", the request id and the body)',
  'account-counts: the same request id again gets the same answer (idempotent)'
]
const NOTICE_CHECKS = [
  ...REFUSALS.map(r => `number-events: ${r}`),
  'number-events: accepts a signed release notice with 202',
  'number-events: answer matches NumberNoticeAnswer',
  'number-events: answer is signed for this notice (x-yzt-signature over "answer", the eventId and the body)',
  'number-events: the same eventId again gets the same answer (idempotent)'
]
const CALLBACK_CHECKS = [
  'disputes: calls back on callbackUrl within the wait',
  'disputes: the callback is for this itemId',
  'disputes: the callback is signed with the enterprise\'s own key (x-yzt-caller = enterprise id; x-yzt-signature over the timestamp, "POST path" and the body)',
  'disputes: the callback matches DisputeCallback',
  'disputes: the first callback is ACKNOWLEDGED'
]
const DISPUTE_CHECKS = [
  ...REFUSALS.map(r => `disputes: ${r}`),
  'disputes: accepts a signed dispute with 202',
  'disputes: answer matches DisputeAccepted',
  'disputes: answer is signed for this dispute (x-yzt-signature over "answer", the itemId and the body)',
  'disputes: the same itemId again gets the same reference (idempotent)',
  ...CALLBACK_CHECKS
]
const CHECKS = [...COUNT_CHECKS, ...NOTICE_CHECKS, ...DISPUTE_CHECKS]
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

interface BrokenAnswer { status: number, body: string, headers?: Record<string, string> }

/**
 * an enterprise that breaks the protocol in the ways `answer` chooses; its account counts at
 * …/account-counts, its notices and disputes beside them (the kit derives those URLs)
 */
async function brokenEnterprise (answer: (req: http.IncomingMessage, body: string) => BrokenAnswer | Promise<BrokenAnswer>): Promise<string> {
  const server = http.createServer(async (req, res) => {
    const a = await answer(req, (await readBody(req)).toString('utf8'))
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body)
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/partner/account-counts`
}

/** passes the request on to the mocked enterprise `id` (same endpoint, same signature headers) and returns its answer */
async function forward (id: string, req: http.IncomingMessage, body: string): Promise<BrokenAnswer> {
  const suffix = req.url!.slice(req.url!.lastIndexOf('/'))
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  for (const h of [TIMESTAMP_HEADER, SIGNATURE_HEADER]) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h]
  const res = await fetch(endpoint(sys.mockUrl, id).replace(/\/account-counts$/, suffix), { method: 'POST', headers, body })
  const signature = res.headers.get(SIGNATURE_HEADER)
  return { status: res.status, body: await res.text(), headers: signature ? { [SIGNATURE_HEADER]: signature } : {} }
}

const keyOf = (id: string) => enterpriseKey(DEV_SECRETS.enterpriseKey, id)

function runCli (url: string, enterpriseId: string, key: string, ...more: string[]): Promise<{ code: number, out: string }> {
  const keyFile = path.join(keyDir, `${enterpriseId}.key`)
  writeFileSync(keyFile, key + '\n')
  // async: the endpoints under test live in this process and must keep answering
  return new Promise(resolve => {
    execFile(process.execPath, [require.resolve('tsx/cli'), 'conformance/cli.ts', '--url', url, '--enterprise', enterpriseId, '--key-file', keyFile, ...more],
      { cwd: FUNCTIONS_DIR, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr }))
  })
}

test.each(catalogue.enterprises.map(e => e.id))('the mocked enterprise %s passes every check, on all three endpoints and the dispute callback', async id => {
  const results = await runConformance({ url: endpoint(sys.mockUrl, id), enterpriseId: id, key: keyOf(id) })
  expect(results.map(r => r.name)).toEqual(CHECKS)
  expect(failed(results)).toEqual([])
  expect(results.filter(r => r.skipped)).toEqual([])
  expect(results.find(r => r.name === 'disputes: the first callback is ACKNOWLEDGED')?.detail).toBe('got ACKNOWLEDGED')
  // the seed makes baidu slow (300 ms): slow is not wrong
  if (id === 'baidu') expect(results.find(r => r.name === 'account-counts: answers within the 2000 ms deadline')?.detail).toMatch(/answered in [3-9]\d\d ms/)
})

test('npm run conformance against a mocked enterprise: one line per check, exit 0', async () => {
  const { code, out } = await runCli(endpoint(sys.mockUrl, 'jd'), 'jd', keyOf('jd'))
  expect(out).toContain(`PASSED: all ${CHECKS.length} checks`)
  expect(out.match(/✓/g)).toHaveLength(CHECKS.length)
  expect(out).toContain('138****5551')
  expect(code).toBe(0)
})

test('npm run conformance: endpoints it cannot derive, and unknown endpoint names, are usage errors (exit 2)', async () => {
  const underived = await runCli('http://127.0.0.1:9/partner/counts', 'jd', keyOf('jd'))
  expect(underived.code).toBe(2)
  expect(underived.out).toContain('cannot derive the number-events endpoint')
  const unknown = await runCli(endpoint(sys.mockUrl, 'jd'), 'jd', keyOf('jd'), '--only', 'account-counts,refunds')
  expect(unknown.code).toBe(2)
  expect(unknown.out).toContain('--only refunds')
  // explicit URLs need no derivation; --only picks the endpoints
  const only = await runCli('http://127.0.0.1:9/partner/counts', 'jd', keyOf('jd'), '--only', 'disputes', '--disputes-url', endpoint(sys.mockUrl, 'jd').replace(/account-counts$/, 'disputes'))
  expect(only.out).toContain(`PASSED: all ${DISPUTE_CHECKS.length} checks`)
  expect(only.code).toBe(0)
})

test('without a callback listener the callback checks are reported as skipped, not passed', async () => {
  const results = await runConformance({ url: endpoint(sys.mockUrl, 'jd'), enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'], callback: false })
  expect(results.map(r => r.name)).toEqual(DISPUTE_CHECKS)
  expect(results.filter(r => r.skipped).map(r => r.name)).toEqual(CALLBACK_CHECKS)
  const report = formatReport({ url: endpoint(sys.mockUrl, 'jd'), enterpriseId: 'jd' }, results)
  expect(report).toContain(`– ${CALLBACK_CHECKS[0]} — skipped`)
  expect(report).toContain(`PASSED: all ${DISPUTE_CHECKS.length - CALLBACK_CHECKS.length} checks (${CALLBACK_CHECKS.length} skipped)`)
})

test('a broken enterprise (checks nothing, signs nothing, random counts, 200 to everything) fails, and the report names every broken rule', async () => {
  const url = await brokenEnterprise(() => ({ status: 200, body: JSON.stringify({ accounts: { qq: Math.floor(Math.random() * 1e9), wechat: 'many' } }) }))
  const results = await runConformance({ url, enterpriseId: 'tencent', key: keyOf('tencent'), callbackWaitMs: 300 })
  const passed = ['account-counts: answers a signed request with 200', 'account-counts: answers within the 2000 ms deadline']
  expect(failed(results)).toEqual(CHECKS.filter(c => !passed.includes(c)))
  const report = formatReport({ url, enterpriseId: 'tencent' }, results)
  expect(report).toContain('✗ account-counts: refuses an unsigned request — got 200, want 401')
  expect(report).toContain('✗ number-events: refuses an unsigned request — got 200, want 401')
  expect(report).toContain('✗ account-counts: answer is signed for this request (x-yzt-signature over "answer", the request id and the body) — no x-yzt-signature header')
  expect(report).toContain('✗ disputes: accepts a signed dispute with 202 — got 200')
  expect(report).toContain('✗ disputes: calls back on callbackUrl within the wait — none within 300 ms')
  expect(report).toContain('✓ account-counts: answers a signed request with 200')
  expect(report).toContain(`FAILED: ${CHECKS.length - 2} of ${CHECKS.length} checks failed`)

  const { code, out } = await runCli(url, 'tencent', keyOf('tencent'), '--callback-wait-ms', '300')
  expect(code).toBe(1)
  expect(out).toContain(`FAILED: ${CHECKS.length - 2} of ${CHECKS.length} checks failed`)
  expect(out.match(/✗/g)).toHaveLength(CHECKS.length - 2)
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
  const results = await runConformance({ url, enterpriseId: 'baidu', key, endpoints: ['account-counts'] })
  expect(results.map(r => r.name)).toEqual(COUNT_CHECKS)
  expect(failed(results)).toEqual([
    'account-counts: refuses a stale request (6 minutes old)',
    'account-counts: refuses a request from the future (6 minutes ahead)',
    'account-counts: answer is signed for this request (x-yzt-signature over "answer", the request id and the body)'
  ])
})

test('an enterprise that redirects, or answers too late, fails the answer checks', async () => {
  const redirecting = await brokenEnterprise(() => ({ status: 307, body: '', headers: { location: endpoint(sys.mockUrl, 'jd') } }))
  const results = await runConformance({ url: redirecting, enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['account-counts'] })
  expect(results.find(r => r.name === 'account-counts: answers a signed request with 200')).toMatchObject({ ok: false, detail: 'got 307' })

  // scaled down: a 300 ms enterprise against a 200 ms deadline stands for one slower than 2 s
  sys.mock.setFaults('jd', { latencyMs: 300 })
  try {
    const late = await runConformance({ url: endpoint(sys.mockUrl, 'jd'), enterpriseId: 'jd', key: keyOf('jd'), deadlineMs: 200, endpoints: ['account-counts'] })
    expect(failed(late)).toEqual(['account-counts: answers within the 200 ms deadline'])
  } finally {
    sys.mock.clearFaults()
  }
})

test('a notice endpoint that takes unsigned notices fails exactly that refusal', async () => {
  const key = keyOf('jd')
  const url = await brokenEnterprise((req, body) => {
    if (req.url!.endsWith('/number-events') && req.headers[SIGNATURE_HEADER] === undefined) {
      const answer = JSON.stringify({ reference: 'taken' })
      return { status: 202, body: answer, headers: { [SIGNATURE_HEADER]: signAnswer(key, (JSON.parse(body) as { eventId: string }).eventId, answer) } }
    }
    return forward('jd', req, body)
  })
  const results = await runConformance({ url, enterpriseId: 'jd', key })
  expect(results.map(r => r.name)).toEqual(CHECKS)
  expect(failed(results)).toEqual(['number-events: refuses an unsigned request'])
})

test('a dispute desk that signs its answer over another id, or gives another reference on a repeat, fails that rule', async () => {
  const key = keyOf('jd')
  const overReference = await brokenEnterprise(async (req, body) => {
    const a = await forward('jd', req, body)
    if (!req.url!.endsWith('/disputes') || a.status !== 202) return a
    // signed over its own reference instead of the itemId
    return { ...a, headers: { [SIGNATURE_HEADER]: signAnswer(key, (JSON.parse(a.body) as { reference: string }).reference, a.body) } }
  })
  const wrongId = await runConformance({ url: overReference, enterpriseId: 'jd', key, endpoints: ['disputes'] })
  expect(failed(wrongId)).toEqual(['disputes: answer is signed for this dispute (x-yzt-signature over "answer", the itemId and the body)'])
  expect(wrongId.find(r => !r.ok)?.detail).toBe('the signature does not match this itemId and body')

  const forgetful = await brokenEnterprise(async (req, body) => {
    const a = await forward('jd', req, body)
    if (!req.url!.endsWith('/disputes') || a.status !== 202) return a
    // a new reference every time, correctly signed
    const answer = JSON.stringify({ reference: `jd-${randomUUID()}` })
    return { status: 202, body: answer, headers: { [SIGNATURE_HEADER]: signAnswer(key, (JSON.parse(body) as DisputeRequest).itemId, answer) } }
  })
  const repeat = await runConformance({ url: forgetful, enterpriseId: 'jd', key, endpoints: ['disputes'] })
  expect(failed(repeat)).toEqual(['disputes: the same itemId again gets the same reference (idempotent)'])
})

/** a dispute desk that answers 202 properly, then calls back as `callback` says */
async function disputeDesk (id: string, callback: (dispute: DisputeRequest) => { url?: string, caller: string, key: string, answer: DisputeCallback }): Promise<string> {
  const key = keyOf(id)
  return brokenEnterprise((req, body) => {
    if (!req.url!.endsWith('/disputes')) return forward(id, req, body)
    if (!verifyRequest([key], req.headers[TIMESTAMP_HEADER] as string, req.headers[SIGNATURE_HEADER] as string, body, Date.now())) {
      return { status: 401, body: '{"error":"bad signature"}' }
    }
    const dispute = JSON.parse(body) as DisputeRequest
    const c = callback(dispute)
    const target = new URL(c.url ?? dispute.callbackUrl)
    const payload = JSON.stringify(c.answer)
    setTimeout(() => {
      void fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...signedRequestHeaders(c.caller, c.key, 'POST', target.pathname, payload, Date.now()) }, body: payload })
        .then(r => r.arrayBuffer(), () => undefined)
    }, 10)
    const answer = JSON.stringify({ reference: `${id}-${dispute.itemId.slice(0, 8)}` })
    return { status: 202, body: answer, headers: { [SIGNATURE_HEADER]: signAnswer(key, dispute.itemId, answer) } }
  })
}

test('a dispute callback signed with another enterprise\'s key fails the signature rule', async () => {
  const SIGNED = CALLBACK_CHECKS[2]!
  const borrowedKey = await disputeDesk('jd', () => ({ caller: 'jd', key: keyOf('baidu'), answer: { status: 'ACKNOWLEDGED' } }))
  const results = await runConformance({ url: borrowedKey, enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'] })
  expect(failed(results)).toEqual([SIGNED])
  expect(results.find(r => r.name === SIGNED)?.detail).toContain('the signature does not match jd\'s key')

  const otherCaller = await disputeDesk('jd', () => ({ caller: 'baidu', key: keyOf('baidu'), answer: { status: 'ACKNOWLEDGED' } }))
  const other = await runConformance({ url: otherCaller, enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'] })
  expect(failed(other)).toEqual([SIGNED])
  expect(other.find(r => r.name === SIGNED)?.detail).toBe('x-yzt-caller is "baidu", want "jd"')
})

test('a dispute callback that skips the acknowledgement, or is about another item, fails that rule', async () => {
  const resolvedFirst = await disputeDesk('jd', () => ({ caller: 'jd', key: keyOf('jd'), answer: { status: 'RESOLVED', accountsAffected: 0, action: 'NONE_FOUND' } }))
  const results = await runConformance({ url: resolvedFirst, enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'] })
  expect(failed(results)).toEqual(['disputes: the first callback is ACKNOWLEDGED'])
  expect(results.find(r => !r.ok)?.detail).toBe('got RESOLVED')

  const elsewhere = await disputeDesk('jd', d => ({ url: d.callbackUrl.replace(/[^/]+$/, 'someone-else.jd'), caller: 'jd', key: keyOf('jd'), answer: { status: 'ACKNOWLEDGED' } }))
  const stray = await runConformance({ url: elsewhere, enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'] })
  expect(failed(stray)).toEqual(['disputes: the callback is for this itemId'])
})

test('a dispute desk that never calls back fails the callback rule within the wait', async () => {
  sys.mock.setFaults('jd', { disputeOutcome: 'never' })
  let results: CheckResult[]
  try {
    results = await runConformance({ url: endpoint(sys.mockUrl, 'jd'), enterpriseId: 'jd', key: keyOf('jd'), endpoints: ['disputes'], callbackWaitMs: 300 })
  } finally {
    sys.mock.clearFaults()
  }
  expect(failed(results)).toEqual(CALLBACK_CHECKS)
  expect(results.find(r => r.name === CALLBACK_CHECKS[0])?.detail).toBe('none within 300 ms')
  expect(results.find(r => r.name === CALLBACK_CHECKS[3])?.detail).toBe('no callback to check')
})

test('binding alerts: the enterprise\'s own HMAC of the test number is checked against the protocol\'s (key, domain prefix, hex)', async () => {
  const id = 'tencent'
  const name = 'binding-subscriptions: your HMAC of the test number matches the protocol\'s (HMAC-SHA256(key, "binding-subscription\\0" + number), hex)'
  const run = (subscriptionHmac: string) => runConformance({ url: endpoint(sys.mockUrl, id), enterpriseId: id, key: keyOf(id), endpoints: ['account-counts'], subscriptionHmac })
  const hmac = (key: string, value: string) => createHmac('sha256', key).update(value).digest('hex')
  const right = hmac(keyOf(id), 'binding-subscription\0' + '13800005551')
  expect((await run(right.toUpperCase())).find(r => r.name === name)).toMatchObject({ ok: true })
  // no domain prefix, another enterprise's key, base64 instead of hex: each fails
  for (const wrong of [hmac(keyOf(id), '13800005551'), hmac(keyOf('jd'), 'binding-subscription\0' + '13800005551'), Buffer.from(right, 'hex').toString('base64url')]) {
    expect((await run(wrong)).find(r => r.name === name)).toMatchObject({ ok: false })
  }
  // without the option there is no such check
  expect((await runConformance({ url: endpoint(sys.mockUrl, id), enterpriseId: id, key: keyOf(id), endpoints: ['account-counts'] })).map(r => r.name)).toEqual(COUNT_CHECKS)
})
