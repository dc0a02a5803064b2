// The whole system on one machine: DynamoDB Local, tables, seed, mocked enterprises, the API on one
// origin (plus the H5 build), and stream pollers in place of Lambda's event sources.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { DEV_SMS_PATH, normalisePhone, type DevSmsResponse } from '#contract/index'
import { buildRuntime, type Runtime } from '#adapters/runtime'
import { LocalSmsProvider } from '#adapters/sms-local'
import { AppError } from '#domain/errors'
import { FUNCTIONS, type FunctionName } from '#infra-shared/functions'
import { MOCK_ENTERPRISE_ROUTE, matchPath, ROUTES } from '#infra-shared/routes'
import { TABLES } from '#infra-shared/tables'
import { errorResult, json } from '#lib/http'
import { catalogue } from '#catalogue/index'
import { MockEnterprises } from '#mock-enterprises/service'
import { MockCarrier } from '#mock-carriers/service'
import { CARRIERS, type CarrierId } from '#adapters/carrier'
import { SeedFile } from '#mock-enterprises/seed'
import type { Clock, Random } from '#ports'
import { startDynamoLocal, LOCAL_CREDENTIALS, type DynamoLocal } from './dynamo-local'
import { bindHandlers } from './handlers'
import { BodyTooLarge, readBody, sendResult, toEvent } from './http-bridge'
import { serveStatic } from './static-files'
import { StreamPoller } from './stream-poller'
import { createTables, streamArn } from './tables'

export interface SystemOptions {
  port?: number
  host?: string
  /** keep DynamoDB Local's data in this folder between runs */
  dataDir?: string
  /** use a running DynamoDB Local instead of starting one */
  dynamoEndpoint?: string
  tablePrefix?: string
  seed?: unknown
  /** folder of the H5 build to serve on the same origin; omit for API only */
  webRoot?: string
  clock?: Clock
  random?: Random
  env?: Record<string, string | undefined>
  /** terminal output (SMS, dead letters) */
  print?: (line: string) => void
  pollIdleMs?: number
}

export interface System {
  url: string
  mockUrl: string
  dynamoEndpoint: string
  runtime: Runtime
  sms: LocalSmsProvider
  mock: MockEnterprises
  /** with CARRIER_GATEWAY=http: requests answered per mocked carrier */
  carriers?: { served: Record<string, number> }
  /** DynamoDB requests per command, counted by an SDK middleware */
  ddbCalls: Record<string, number>
  deadLetters: { stream: string, key: string }[]
  stop (): Promise<void>
}

export async function startSystem (options: SystemOptions = {}): Promise<System> {
  const print = options.print ?? (() => {})
  const host = options.host ?? '127.0.0.1'
  const seed = SeedFile.parse(options.seed ?? {})
  const stops: (() => Promise<void>)[] = []
  const stop = async () => { for (const s of stops.reverse()) await s().catch(() => {}) }

  try {
    let dynamo: DynamoLocal | undefined
    if (!options.dynamoEndpoint) {
      dynamo = await startDynamoLocal({ dataDir: options.dataDir })
      stops.push(() => dynamo!.stop())
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint
    const clientConfig = { endpoint: dynamoEndpoint, region: 'local', credentials: LOCAL_CREDENTIALS }
    const admin = new DynamoDBClient(clientConfig)
    stops.push(async () => admin.destroy())
    const tableEnv = await createTables(admin, options.tablePrefix)

    const sms = new LocalSmsProvider()
    sms.onDeliver = m => print(`📩 SMS → ${m.to.slice(0, 3)}****${m.to.slice(7)}: ${m.text}`)

    // the mocked enterprises: their own server, reached over real HTTP with signed requests
    const mockServer = http.createServer()
    await listen(mockServer, 0, host)
    stops.push(() => close(mockServer))
    const mockUrl = `http://${host}:${(mockServer.address() as AddressInfo).port}`

    // CARRIER_GATEWAY=http: the four carriers mocked, each on its own server, answering from the seed
    const carriers = options.env?.CARRIER_GATEWAY === 'http' ? { served: {} as Record<string, number>, endpoints: {} as Record<string, string> } : undefined
    const carrierServers: [CarrierId, http.Server][] = []
    if (carriers) {
      for (const id of Object.keys(CARRIERS) as CarrierId[]) {
        const server = http.createServer()
        await listen(server, 0, host)
        stops.push(() => close(server))
        carriers.endpoints[id] = `http://${host}:${(server.address() as AddressInfo).port}/real-name`
        carrierServers.push([id, server])
      }
    }

    const runtime = await buildRuntime({
      env: {
        ...options.env,
        ...tableEnv,
        ...(carriers && { CARRIER_ENDPOINTS: JSON.stringify(carriers.endpoints) }),
        ENTERPRISE_ENDPOINT_TEMPLATE: `${mockUrl}${MOCK_ENTERPRISE_ROUTE.path.replace('{enterpriseId}', '{id}')}`
      },
      clock: options.clock,
      random: options.random,
      dynamo: clientConfig,
      sms
    })
    sms.now = runtime.clock.now
    stops.push(async () => runtime.doc.destroy())
    const ddbCalls: Record<string, number> = {}
    runtime.doc.middlewareStack.add((next, context) => async args => {
      const name = context.commandName ?? 'unknown'
      ddbCalls[name] = (ddbCalls[name] ?? 0) + 1
      return next(args)
    }, { step: 'initialize', name: 'countRequests' })

    // the mocks answer for the demo catalogue; a configured enterprise elsewhere answers at its own host
    const mock = new MockEnterprises({
      catalogue, masterKey: runtime.secrets.enterpriseKey, clock: runtime.clock,
      bindings: seed.bindings, faults: seed.faults
    })
    mockServer.on('request', async (req, res) => {
      const url = new URL(req.url ?? '/', mockUrl)
      const params = req.method === 'POST' ? matchPath(MOCK_ENTERPRISE_ROUTE.path, url.pathname) : undefined
      if (!params) { res.writeHead(404).end(); return }
      const body = (await readBody(req, 64 * 1024).catch(() => undefined))?.toString('utf8')
      if (body === undefined) { res.writeHead(413).end(); return }
      const answer = await mock.answer(params.enterpriseId!, req.headers as Record<string, string>, body)
      if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })

    for (const s of seed.subscribers) {
      await runtime.subscribers.put({
        phoneHash: runtime.hasher.phone(s.phone),
        idSuffixHash: runtime.hasher.idSuffix(s.phone, s.idSuffix),
        status: s.status
      })
    }

    for (const [id, server] of carrierServers) {
      const carrier = new MockCarrier(id, runtime.secrets.enterpriseKey, runtime.clock, seed.subscribers)
      server.on('request', async (req, res) => {
        const body = (await readBody(req, 4096).catch(() => undefined))?.toString('utf8')
        if (body === undefined) { res.writeHead(413).end(); return }
        carriers!.served[id] = (carriers!.served[id] ?? 0) + 1
        const answer = carrier.answer(req.headers, body)
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
      })
    }

    const handlers = bindHandlers(runtime)

    // stream pollers: Lambda's event source mappings, INSERT events only
    const streams = new DynamoDBStreamsClient(clientConfig)
    stops.push(async () => streams.destroy())
    const deadLetters: System['deadLetters'] = []
    for (const [name, fn] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      if (!('streamFrom' in fn)) continue
      const handler = handlers.stream[name]!
      const poller = new StreamPoller({
        client: streams,
        streamArn: await streamArn(admin, tableEnv[TABLES[fn.streamFrom].envVar]!),
        handler,
        name,
        idleMs: options.pollIdleMs,
        onError: err => { if (process.env.YZT_DEBUG_STREAMS) print(`stream ${name}: ${(err as Error).name} ${(err as Error).message}`) },
        onDeadLetter: (record, stream) => {
          deadLetters.push({ stream, key: record.dynamodb?.Keys?.pk?.S ?? '' })
          print(`⚠️  ${stream}: record ${record.dynamodb?.SequenceNumber} failed after retries (dead letter)`)
        }
      })
      poller.start()
      stops.push(() => poller.stop())
    }

    const api = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://local')
      const method = req.method ?? 'GET'
      // the H5 dev server (another port) may call the API; mini-program hosts do not use CORS
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'GET,POST,OPTIONS' }
      try {
        if (method === 'OPTIONS') { res.writeHead(204, cors).end(); return }
        for (const route of ROUTES) {
          const params = route.method === method ? matchPath(route.path, url.pathname) : undefined
          if (!params) continue
          const body = await readBody(req)
          const event = toEvent(req, url, body, `${route.method} ${route.path}`, params)
          sendResult(res, await handlers.http[route.fn]!(event), cors)
          return
        }
        if (url.pathname === DEV_SMS_PATH && method === 'GET') {
          const phone = url.searchParams.get('phone')
          const messages = sms.messagesFor(phone ? normalisePhone(phone) : undefined)
          const body: DevSmsResponse = { messages }
          sendResult(res, json(200, body), cors)
          return
        }
        if (url.pathname === '/dev/faults' && method === 'POST') {
          const faults = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}') as Record<string, object>
          for (const [id, f] of Object.entries(faults)) mock.setFaults(id, f)
          sendResult(res, json(200, { ok: true }), cors)
          return
        }
        if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/dev/') || !options.webRoot) {
          sendResult(res, errorResult(new AppError('NOT_FOUND', { message: '接口不存在' })), cors)
          return
        }
        if (method !== 'GET' && method !== 'HEAD') { sendResult(res, errorResult(new AppError('NOT_FOUND'))); return }
        serveStatic(options.webRoot, url.pathname, res)
      } catch (err) {
        if (err instanceof BodyTooLarge) { sendResult(res, errorResult(new AppError('PAYLOAD_TOO_LARGE')), cors); return }
        if (err instanceof SyntaxError) { sendResult(res, errorResult(new AppError('INVALID_INPUT')), cors); return }
        print(`local server: ${(err as Error).message}`)
        if (!res.headersSent) sendResult(res, errorResult(new AppError('UNAVAILABLE')), cors)
      }
    })
    api.keepAliveTimeout = 5000
    await listen(api, options.port ?? 0, host)
    stops.push(() => close(api))
    const url = `http://${host}:${(api.address() as AddressInfo).port}`

    return { url, mockUrl, dynamoEndpoint, runtime, sms, mock, carriers: carriers && { served: carriers.served }, ddbCalls, deadLetters, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

function listen (server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
}

function close (server: http.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
