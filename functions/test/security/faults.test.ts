// Faults, each a test, on the running system: enterprises that misbehave in ways the mocked
// enterprises' own fault knobs cannot (hang, trickle, reset, lie about counts, fail once), a crash
// between the SMS provider's acceptance and the saved state, an SMS provider that fails, and
// DynamoDB Local killed and restarted mid-run with its data on disk.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SIGNATURE_HEADER } from '../../src/lib/signing'
import { freePort, startDynamoLocal, type DynamoLocal } from '../../src/local/dynamo-local'
import type { OutboxMessage } from '#ports'
import { EnterpriseBreakers } from '../../src/domain/breaker'
import { POLICY } from '../../src/domain/policy'
import { FUNCTIONS } from '../../src/infra-shared/functions'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const DAY = 24 * 3600_000
const ENTERPRISES = ['alibaba', 'alipay', 'douyin', 'baidu', 'jd', 'meituan', 'kuaishou', 'tencent']

const status = async (sys: TestSystem, queryId: string) => (await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body
const settled = (sys: TestSystem, queryId: string, timeoutMs = 20_000) => waitFor(async () => {
  const s = await status(sys, queryId)
  return ['DELIVERED', 'UNDELIVERED', 'FAILED'].includes(s?.status) ? s : undefined
}, 'query settled', timeoutMs)
const resultSms = (sys: TestSystem) => sys.sms.all().filter(m => m.to === ALICE.phone && m.text.includes('截至'))

async function accept (sys: TestSystem): Promise<string> {
  const code = await requestCodeAndRead(sys, ALICE.phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })
  expect(res.status).toBe(202)
  return res.body.queryId
}

describe('enterprises misbehaving on the wire', () => {
  type Mode = 'hang' | 'trickle' | 'reset' | 'html' | 'lies' | 'fail-once'
  let sys: TestSystem
  let proxy: http.Server
  let mode: Mode | undefined
  let tencentCalls = 0

  // every enterprise is reached through this proxy; it passes the signed request on to the mocked
  // enterprise, except for tencent (QQ, WeChat: the last two apps of the SMS) while a mode is set
  beforeAll(async () => {
    proxy = http.createServer((req, res) => {
      const id = req.url!.split('/')[2]!
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c))
      req.on('end', async () => {
        if (id === 'tencent') tencentCalls++
        const m = id === 'tencent' ? mode : undefined
        if (m === 'hang') return // headers never come
        if (m === 'trickle') {
          // headers at once, then a byte every 300 ms: only a deadline on the whole answer stops it
          res.writeHead(200, { 'content-type': 'application/json' })
          const timer = setInterval(() => { if (!res.destroyed) res.write(' ') }, 300)
          res.on('close', () => clearInterval(timer))
          return
        }
        if (m === 'reset') { req.socket.destroy(); return }
        if (m === 'html') { res.writeHead(200, { 'content-type': 'text/html' }).end('<html>维护中</html>'); return }
        if (m === 'lies') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"accounts":{"qq":-1,"wechat":1.5}}'); return }
        if (m === 'fail-once' && tencentCalls === 1) { res.writeHead(502).end(); return }
        const upstream = await fetch(`${sys.mockUrl}/enterprises/${id}/account-counts`, {
          method: 'POST', body: Buffer.concat(chunks), headers: req.headers as Record<string, string>
        })
        // the enterprise's answer signature travels with its body
        res.writeHead(upstream.status, {
          'content-type': 'application/json', [SIGNATURE_HEADER]: upstream.headers.get(SIGNATURE_HEADER) ?? ''
        }).end(await upstream.text())
      })
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    sys = await startTestSystem({
      seed: { subscribers: [{ phone: ALICE.phone, idSuffix: ALICE.idSuffix, status: 'active' }], bindings: {
        [ALICE.phone]: { xianyu: 1, taobao: 1, dingtalk: 0, alipay: 1, douyin: 0, baidu: 2, jd: 1, meituan: 1, kuaishou: 0, qq: 0, wechat: 1 }
      } },
      env: { ENTERPRISE_ENDPOINTS: JSON.stringify(Object.fromEntries(ENTERPRISES.map(id => [id, `${base}/e/${id}`]))) }
    })
  })
  afterAll(async () => {
    await sys?.stop()
    proxy.closeAllConnections()
    await new Promise(resolve => proxy.close(resolve))
  })
  beforeEach(() => {
    // a new day: the daily query quota and the code limits start again
    sys.clock.advance(DAY)
    tencentCalls = 0
    // each test meets tencent as a fresh container would: five faults in a row would otherwise open
    // its circuit breaker, which breaker.test.ts and outage.test.ts cover
    sys.runtime.breakers = new EnterpriseBreakers(sys.clock, undefined, ENTERPRISES)
  })

  test.each<[string, Mode]>([
    ['times out (no answer at all)', 'hang'],
    ['answers slowly past the deadline (headers in time, the body never ends)', 'trickle'],
    ['drops the connection', 'reset'],
    ['answers 200 with a maintenance page', 'html'],
    ['answers counts that are not counts (negative, fractional)', 'lies']
  ])('an enterprise that %s is unavailable after one retry, and only its apps', async (_what, m) => {
    mode = m
    const queryId = await accept(sys)
    expect((await settled(sys, queryId)).status).toBe('DELIVERED')
    const text = resultSms(sys).at(-1)!.text
    expect(text).toContain('快手平台账号0个、QQ账号暂无法查询、微信账号暂无法查询。')
    expect(text.match(/暂无法查询/g)).toHaveLength(2)
    expect(tencentCalls).toBe(2)
  }, 30_000)

  test('an enterprise that fails once and answers the retry is counted, not unavailable', async () => {
    mode = 'fail-once'
    const queryId = await accept(sys)
    await settled(sys, queryId)
    expect(resultSms(sys).at(-1)!.text).toContain('快手平台账号0个、QQ账号0个、微信账号1个。')
    expect(tencentCalls).toBe(2)
  })
})

describe('the SMS provider', () => {
  let sys: TestSystem
  beforeEach(async () => { sys = await startTestSystem() })
  afterEach(async () => { await sys.stop() })

  /** every call the dispatcher makes to the provider, with the key it handed over */
  function recordSends (behave: (attempt: number) => 'ok' | 'fail' = () => 'ok') {
    const calls: { key: string, at: number, kind: string }[] = []
    const send = sys.sms.send.bind(sys.sms)
    sys.sms.send = async message => {
      const kind = message.text.includes('截至') ? 'result' : 'code'
      calls.push({ key: message.idempotencyKey, at: Date.now(), kind })
      if (kind === 'result' && behave(calls.filter(c => c.kind === 'result').length) === 'fail') throw new Error('provider down')
      return send(message)
    }
    return calls
  }

  /** the first result markSent dies as a Lambda would (timeout, OOM) right after the provider said yes */
  function crashOnceAfterSend (): void {
    const markSent = sys.runtime.outbox.markSent.bind(sys.runtime.outbox)
    let crashes = 0
    sys.runtime.outbox.markSent = async (message: OutboxMessage, sent, now: number) => {
      if (message.template === 'result' && crashes++ === 0) throw new Error('crashed before saving')
      return markSent(message, sent, now)
    }
  }

  test('a crash after the provider accepted, before the state was saved: the redelivered record sends nothing twice', async () => {
    const calls = recordSends()
    crashOnceAfterSend()
    const queryId = await accept(sys)
    expect((await settled(sys, queryId)).status).toBe('DELIVERED')
    const results = calls.filter(c => c.kind === 'result')
    // the real stream poller redelivered the record; the provider saw the same key twice and delivered once
    expect(results).toHaveLength(2)
    expect(results[1]!.key).toBe(results[0]!.key)
    expect(resultSms(sys)).toHaveLength(1)
    const outbox = (await sys.dump()).SmsOutbox!.find(m => m.template === 'result')!
    expect(outbox).toMatchObject({ status: 'DELIVERED', tries: 2 })
  })

  test('the same crash with a provider that has no idempotency key sends twice: the guarantee SECURITY.md states', async () => {
    // what SNS does: the key is ignored, every call is a new message
    const send = sys.sms.send.bind(sys.sms)
    let n = 0
    sys.sms.send = message => send({ ...message, idempotencyKey: `${message.idempotencyKey}#${n++}` })
    crashOnceAfterSend()
    const queryId = await accept(sys)
    expect((await settled(sys, queryId)).status).toBe('DELIVERED')
    expect(resultSms(sys)).toHaveLength(2)
  })

  test('failing twice then accepting: retried with growing backoff under one key, one SMS, SENT', async () => {
    const calls = recordSends(attempt => attempt <= 2 ? 'fail' : 'ok')
    const queryId = await accept(sys)
    expect((await settled(sys, queryId)).status).toBe('DELIVERED')
    const results = calls.filter(c => c.kind === 'result')
    expect(results.map(c => c.key)).toEqual(Array(3).fill(`result-${queryId}`))
    // lower bounds only: timers never fire early, and the second pause is the longer one
    const gaps = [results[1]!.at - results[0]!.at, results[2]!.at - results[1]!.at]
    expect(gaps[0]).toBeGreaterThanOrEqual(190)
    expect(gaps[1]).toBeGreaterThan(gaps[0]!)
    expect(resultSms(sys)).toHaveLength(1)
  })

  test('failing past one invocation: the stream retries the record under the same key, one SMS, SENT', async () => {
    const calls = recordSends(attempt => attempt <= POLICY.sms.sendTries + 1 ? 'fail' : 'ok')
    const queryId = await accept(sys)
    expect((await settled(sys, queryId)).status).toBe('DELIVERED')
    const results = calls.filter(c => c.kind === 'result')
    expect(results.map(c => c.key)).toEqual(Array(POLICY.sms.sendTries + 2).fill(`result-${queryId}`))
    expect(resultSms(sys)).toHaveLength(1)
    expect((await sys.dump()).SmsOutbox!.find(m => m.template === 'result')).toMatchObject({ status: 'DELIVERED', tries: 2 })
  })

  test('failing for good: three tries per invocation until the stream gives up, PROCESSING meanwhile, then FAILED by the sweep in GET /v1/queries/{id}, and nothing left to resend', async () => {
    const calls = recordSends(() => 'fail')
    const queryId = await accept(sys)
    await waitFor(() => sys.deadLetters.find(d => d.key === `result-${queryId}`), 'the dead letter', 40_000)
    expect(await status(sys, queryId)).toMatchObject({ status: 'PROCESSING' })
    sys.clock.advance(POLICY.stuck.afterMinutes * 60_000 + 1)
    await sys.scheduled.sweepStuck!()
    const final = await settled(sys, queryId)
    expect(final).toMatchObject({ status: 'FAILED' })
    expect(final).not.toHaveProperty('sentAt')
    expect(calls.filter(c => c.kind === 'result')).toHaveLength(POLICY.sms.sendTries * (1 + FUNCTIONS.dispatchSms.consumer.retryAttempts))
    const outbox = (await sys.dump()).SmsOutbox!.find(m => m.template === 'result')!
    expect(outbox.status).toBe('FAILED')
    expect(outbox).not.toHaveProperty('to')
    expect(outbox).not.toHaveProperty('params')
  })
})

describe('DynamoDB Local killed mid-run and restarted on the same data', () => {
  let dynamo: DynamoLocal | undefined
  let sys: TestSystem | undefined
  let dataDir: string
  afterAll(async () => {
    await sys?.stop()
    await dynamo?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('clients get 503 UNAVAILABLE, nothing is half-written, and the flow resumes', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'yzt-ddb-'))
    const port = await freePort()
    dynamo = await startDynamoLocal({ port, dataDir })
    sys = await startTestSystem({ dynamoEndpoint: dynamo.endpoint })
    // slow one enterprise so that the kill lands in the middle of processing
    sys.mock.setFaults('tencent', { latencyMs: 1500 })
    const code = await requestCodeAndRead(sys, ALICE.phone)
    const queryId = (await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })).body.queryId
    await waitFor(async () => (await status(sys!, queryId)).status === 'PROCESSING', 'processing')
    // DynamoDB Local acknowledges a write before its SQLite file has it: give the last one a moment
    // (real DynamoDB acknowledges only durable writes; see SECURITY.md)
    await new Promise(resolve => setTimeout(resolve, 400))
    process.kill(dynamo.pid!, 'SIGKILL')
    await waitFor(async () => (await call(sys!.url, 'GET', '/v1/enterprises')).status === 200 && (await status(sys!, queryId))?.error?.code === 'UNAVAILABLE', 'outage seen')

    // every route that needs the database answers 503 with the stable code, no stack trace
    sys.clock.advance(61_000)
    const down = [
      await call(sys.url, 'POST', '/v1/verification-codes', { phone: '13900007777' }),
      await call(sys.url, 'POST', '/v1/queries', { phone: '13900007777', idSuffix: '654321', code: '000000', consent: true }),
      await call(sys.url, 'GET', `/v1/queries/${queryId}`)
    ]
    for (const res of down) {
      expect(res.status).toBe(503)
      expect(res.body).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } })
      expect(res.headers.get('retry-after')).toBeNull()
    }

    dynamo = await startDynamoLocal({ port, dataDir })
    // the query in flight at the kill completes: one result SMS, SENT
    expect((await settled(sys, queryId, 40_000)).status).toBe('DELIVERED')
    expect(resultSms(sys)).toHaveLength(1)
    // nothing half-written: exactly the accepted query, no trace of the requests refused with 503
    const tables = await sys.dump()
    expect(tables.Queries!.map(q => q.pk)).toEqual([queryId])
    expect(tables.SmsOutbox!.every(m => m.status === 'DELIVERED')).toBe(true)
    expect(tables.VerificationCodes).toEqual([])
    // and the system takes new work
    const bob = { phone: '13900007777', idSuffix: '654321' }
    const bobCode = await requestCodeAndRead(sys, bob.phone)
    const next = await call(sys.url, 'POST', '/v1/queries', { ...bob, code: bobCode, consent: true })
    expect(next.status).toBe(202)
    expect((await settled(sys, next.body.queryId, 20_000)).status).toBe('DELIVERED')
  }, 60_000)
})
