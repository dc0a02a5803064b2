// The enterprise client against hostile or broken enterprises, over real loopback HTTP: answers too
// big (body or headers), redirects, unsigned or mis-signed answers all make that enterprise
// unavailable; only an answer signed for this very request counts.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { catalogue, parseCatalogue } from '../../src/catalogue/index'
import { parseEnterpriseConfig } from '../../src/adapters/enterprise-config'
import { AnswerRefused, checkEndpoint, httpEnterpriseGateway } from '../../src/adapters/enterprise-http'
import { MAX_ANSWER_BYTES } from '../../src/contract/enterprise'
import { askEnterprises } from '../../src/domain/fan-out'
import { enterpriseKey, signAnswer, SIGNATURE_HEADER, type MasterKeys } from '../../src/lib/signing'
import { MockEnterprises } from '../../src/mock-enterprises/service'
import { readBody } from '../../src/local/http-bridge'

const MASTER = 'test-master-key-0123456789'
const OTHER_MASTER = 'another-master-key-0123456789'
const PHONE = '13800005551'
const clock = { now: () => Date.now() }
const tencent = parseCatalogue({ enterprises: catalogue.enterprises.filter(e => e.id === 'tencent') })

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void
const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise(resolve => s.close(resolve))
  }
})

async function serve (handle: Handler): Promise<{ url: string, requests: () => number }> {
  let requests = 0
  const server = http.createServer(async (req, res) => {
    requests++
    handle(req, res, (await readBody(req)).toString('utf8'))
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/e/{id}`, requests: () => requests }
}

const gatewayTo = (url: string, masterKeys: MasterKeys = { current: MASTER }) =>
  httpEnterpriseGateway({ endpoint: async id => url.replace('{id}', id), masterKeys: async () => masterKeys, clock, deployed: false })

/** the request id the client sent, so a test enterprise can sign (or mis-sign) its answer */
const requestIdOf = (body: string) => JSON.parse(body).requestId as string
const COUNTS = JSON.stringify({ accounts: { qq: 1, wechat: 2 } })

test('an enterprise streaming 800 MB: unavailable, at most one read past the 64 kB cap, memory stays put', async () => {
  const TOTAL = 800 * 1024 * 1024
  let written = 0
  const { url } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (written < TOTAL && !res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) { res.once('drain', pump); return }
      }
      if (!res.destroyed) res.end()
    }
    res.on('close', () => res.removeAllListeners('drain'))
    pump()
  })
  const rssBefore = process.memoryUsage().rss
  const err = await gatewayTo(url).countAccounts('tencent', PHONE, AbortSignal.timeout(30_000)).catch(e => e)
  const rssAfter = process.memoryUsage().rss
  expect(err).toBeInstanceOf(AnswerRefused)
  expect(err.message).toBe(`answer over ${MAX_ANSWER_BYTES} bytes`)
  // the socket was destroyed at the first chunk past the cap: nothing more was read
  expect(err.bytesRead).toBeGreaterThan(MAX_ANSWER_BYTES)
  expect(err.bytesRead).toBeLessThanOrEqual(2 * MAX_ANSWER_BYTES)
  // what the server managed to hand to the kernel before the close: socket buffers, not 800 MB
  await new Promise(resolve => setTimeout(resolve, 100))
  expect(written).toBeLessThan(64 * 1024 * 1024)
  console.log(`800 MB enterprise: client read ${err.bytesRead} B, server wrote ${(written / 2 ** 20).toFixed(1)} MB, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB`)

  const { results, failures } = await askEnterprises(gatewayTo(url), tencent, PHONE)
  expect(results).toEqual({ qq: 'unavailable', wechat: 'unavailable' })
  expect(failures).toEqual([{ enterpriseId: 'tencent', reason: `answer over ${MAX_ANSWER_BYTES} bytes` }])
})

test('an enterprise with a 1 MB header block: unavailable', async () => {
  const { url } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'x'.repeat(1024 * 1024) }).end(COUNTS)
  })
  const err = await gatewayTo(url).countAccounts('tencent', PHONE, AbortSignal.timeout(10_000)).catch(e => e)
  expect(err).toBeInstanceOf(AnswerRefused)
  expect(err.message).toMatch(/header block over/)
})

test('a 307 redirect is never followed: unavailable, and the target never receives a request', async () => {
  const target = await serve((req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signAnswer(enterpriseKey(MASTER, 'tencent'), requestIdOf(body), COUNTS) }).end(COUNTS)
  })
  const { url } = await serve((_req, res) => {
    res.writeHead(307, { location: target.url.replace('{id}', 'tencent') }).end()
  })
  const { results, failures } = await askEnterprises(gatewayTo(url), tencent, PHONE)
  expect(results).toEqual({ qq: 'unavailable', wechat: 'unavailable' })
  expect(failures).toEqual([{ enterpriseId: 'tencent', reason: 'HTTP 307' }])
  expect(target.requests()).toBe(0)
})

describe('answer signatures', () => {
  const key = enterpriseKey(MASTER, 'tencent')
  const cases: [string, (body: string, req: http.IncomingMessage) => string | undefined][] = [
    ['unsigned', () => undefined],
    ['signed with another key', body => signAnswer(enterpriseKey(OTHER_MASTER, 'tencent'), requestIdOf(body), COUNTS)],
    ['signed for another request (a replayed answer)', () => signAnswer(key, 'an-earlier-request-id', COUNTS)],
    ['signed over another body', body => signAnswer(key, requestIdOf(body), JSON.stringify({ accounts: { qq: 0, wechat: 0 } }))],
    ['carrying the request\'s own signature back', (_body, req) => req.headers[SIGNATURE_HEADER] as string]
  ]
  test.each(cases)('an answer %s: unavailable', async (_what, signature) => {
    const { url } = await serve((req, res, body) => {
      const s = signature(body, req)
      res.writeHead(200, { 'content-type': 'application/json', ...(s ? { [SIGNATURE_HEADER]: s } : {}) }).end(COUNTS)
    })
    const { results, failures } = await askEnterprises(gatewayTo(url), tencent, PHONE)
    expect(results).toEqual({ qq: 'unavailable', wechat: 'unavailable' })
    expect(failures[0]!.reason).toBe('answer unsigned or not signed for this request')
  })

  test('an answer signed for this request counts', async () => {
    const { url } = await serve((_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signAnswer(key, requestIdOf(body), COUNTS) }).end(COUNTS)
    })
    expect(await askEnterprises(gatewayTo(url), tencent, PHONE)).toEqual({ results: { qq: 1, wechat: 2 }, failures: [] })
  })

  test('during a rotation an answer signed with the previous key counts until the overlap ends', async () => {
    const { url } = await serve((_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signAnswer(enterpriseKey(OTHER_MASTER, 'tencent'), requestIdOf(body), COUNTS) }).end(COUNTS)
    })
    const during = gatewayTo(url, { current: MASTER, previous: { key: OTHER_MASTER, acceptUntil: Date.now() + 60_000 } })
    expect((await askEnterprises(during, tencent, PHONE)).results).toEqual({ qq: 1, wechat: 2 })
    const after = gatewayTo(url, { current: MASTER, previous: { key: OTHER_MASTER, acceptUntil: Date.now() - 1 } })
    expect((await askEnterprises(after, tencent, PHONE)).results).toEqual({ qq: 'unavailable', wechat: 'unavailable' })
  })
})

test('the mocked enterprises over HTTP: signed answers, counted', async () => {
  const mock = new MockEnterprises({ catalogue, masterKeys: () => ({ current: MASTER }), clock, bindings: { [PHONE]: { qq: 3, wechat: 1 } } })
  const { url } = await serve(async (req, res, body) => {
    const answer = await mock.answer(req.url!.split('/')[2]!, req.headers, body)
    res.writeHead(answer.status, answer.headers).end(answer.body)
  })
  expect(await askEnterprises(gatewayTo(url), tencent, PHONE)).toEqual({ results: { qq: 3, wechat: 1 }, failures: [] })
})

describe('endpoints', () => {
  test.each([
    ['https://partner.example/e/{id}', true, true],
    ['http://partner.example/e/{id}', true, false],
    ['http://127.0.0.1:3001/e/{id}', true, false],
    ['http://127.0.0.1:3001/e/{id}', false, true],
    ['http://localhost:3001/e/{id}', false, true],
    ['http://[::1]:3001/e/{id}', false, true],
    ['http://partner.example/e/{id}', false, false],
    ['http://10.0.0.8/e/{id}', false, false],
    ['ftp://partner.example/e/{id}', false, false],
    ['not a url', false, false]
  ])('%s (deployed: %s) allowed: %s', (url, deployed, allowed) => {
    const check = () => checkEndpoint(url.replace('{id}', 'x'), deployed)
    if (allowed) expect(check).not.toThrow()
    else expect(check).toThrow(/enterprise endpoint/)
  })

  test('a deployed configuration with an http endpoint is refused when it is loaded, not at the first query', () => {
    expect(() => parseEnterpriseConfig({ enterprises: catalogue.enterprises, endpoints: { jd: 'http://jd.example/counts' } }, 'https://partner.example/e/{id}', true))
      .toThrow('enterprise endpoint must be https: http://jd.example/counts')
    expect(() => parseEnterpriseConfig({ enterprises: catalogue.enterprises }, 'https://partner.example/e/{id}', true)).not.toThrow()
  })

  test('a gateway never posts to an http endpoint when deployed, whatever the configuration says', async () => {
    const gateway = httpEnterpriseGateway({ endpoint: async () => 'http://jd.example/counts', masterKeys: async () => ({ current: MASTER }), clock, deployed: true })
    await expect(gateway.countAccounts('jd', '13800005551', AbortSignal.timeout(1000))).rejects.toThrow('enterprise endpoint must be https')
  })
})
