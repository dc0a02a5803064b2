// The whole system on one machine, composed: DynamoDB Local, tables, seed, mocked enterprises, the API
// on one origin (plus the H5 build), stream pollers and timers in place of Lambda's event sources.
// Each part lives in its own file; this one only wires them together and stops them in reverse.
import * as http from 'node:http'
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { buildRuntime, type Runtime } from '#adapters/runtime'
import { LocalSmsProvider } from '#adapters/sms-local'
import { MOCK_ENTERPRISE_ROUTE } from '#infra-shared/routes'
import { masterKeysOf } from '#adapters/secrets'
import type { FunctionName } from '#infra-shared/functions'
import { MockEnterprises } from '#mock-enterprises/service'
import { SeedFile } from '#mock-enterprises/seed'
import type { Clock, Random } from '#ports'
import { apiListener } from './api-server'
import type { DevRoutes } from './dev-routes'
import { startDynamoLocal, LOCAL_CREDENTIALS, type DynamoLocal } from './dynamo-local'
import { startSchedules, startStreamPollers } from './event-sources'
import { bindHandlers } from './handlers'
import { mockEnterprisesListener } from './mock-server'
import { seedCatalogue, seedSubscribers } from './seed'
import { seedEvents } from './seed-events'
import { startMockCarriers } from './mock-carriers-server'
import { close, listen } from './servers'
import { createTables } from './tables'
import { TABLES } from '#infra-shared/tables'
import { localSmsSecrets } from './sms-provider'
import { signalWrites } from './write-signal'

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
  /** false: no stream pollers (tests of what happens when a consumer never runs) */
  streams?: boolean
  /** false: the tables are created without streams at all (benches of a table's own history: local/tables.ts) */
  tableStreams?: boolean
  /** how often the scheduled functions run (default: their declared schedule) */
  scheduleEveryMs?: number
}

export interface System {
  url: string
  mockUrl: string
  dynamoEndpoint: string
  /** the DynamoDB Local JVM this system started (none with `dynamoEndpoint`) */
  dynamoPid?: number
  runtime: Runtime
  sms: LocalSmsProvider
  mock: MockEnterprises
  /** with CARRIER_GATEWAY=http: requests answered per mocked carrier */
  carriers?: { served: Record<string, number> }
  /** DynamoDB requests per command, counted by an SDK middleware */
  ddbCalls: Record<string, number>
  /** DynamoDB Streams requests per command (the pollers' reads) */
  streamCalls: Record<string, number>
  deadLetters: { stream: string, key: string, reason: 'failed' | 'expired' }[]
  /** scheduled functions, to run now (tests) */
  scheduled: Partial<Record<FunctionName, () => Promise<unknown>>>
  stop (): Promise<void>
}

export async function startSystem (options: SystemOptions = {}): Promise<System> {
  const print = options.print ?? (() => {})
  const host = options.host ?? '127.0.0.1'
  const seed = SeedFile.parse(options.seed ?? {})
  const stops: (() => Promise<void>)[] = []
  // a seed with its own catalogue (60 generated enterprises): the runtime reads it, the mocks answer for it
  const { catalogue, env: seededEnv, cleanup } = seedCatalogue(seed, options.env)
  stops.push(cleanup)
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
    const tableEnv = await createTables(admin, options.tablePrefix, { streams: options.tableStreams !== false })

    const sms = new LocalSmsProvider()
    sms.onDeliver = m => print(`📩 SMS → ${m.to.slice(0, 3)}****${m.to.slice(7)}: ${m.text}`)

    // the mocked enterprises: their own server, reached over real HTTP with signed requests
    const mockServer = http.createServer()
    const mockUrl = await listen(mockServer, 0, host)
    stops.push(() => close(mockServer))

    // CARRIER_GATEWAY=http: the four carriers mocked, each on its own server, answering from the seed
    const carriers = options.env?.CARRIER_GATEWAY === 'http' ? await startMockCarriers(host) : undefined
    if (carriers) stops.push(() => carriers.stop())

    // SMS_PROVIDER=aliyun|tencent: a real provider's SDK (sandbox or fake) in place of the simulated carrier
    const providerSecrets = localSmsSecrets(options.env ?? {})
    const runtime = await buildRuntime({
      env: {
        ...seededEnv,
        ...tableEnv,
        ...(carriers && { CARRIER_ENDPOINTS: JSON.stringify(carriers.endpoints) }),
        ENTERPRISE_ENDPOINT_TEMPLATE: `${mockUrl}${MOCK_ENTERPRISE_ROUTE.path.replace('{enterpriseId}', '{id}')}`
      },
      clock: options.clock,
      random: options.random,
      dynamo: clientConfig,
      ...(providerSecrets ? { secrets: providerSecrets } : { sms })
    })
    sms.now = () => runtime.clock.now()
    stops.push(async () => runtime.doc.destroy())
    const ddbCalls: Record<string, number> = {}
    runtime.doc.middlewareStack.add((next, context) => async args => {
      const name = context.commandName ?? 'unknown'
      ddbCalls[name] = (ddbCalls[name] ?? 0) + 1
      return next(args)
    }, { step: 'initialize', name: 'countRequests' })

    // the mocks answer for the demo catalogue; a configured enterprise elsewhere answers at its own host
    const mock = new MockEnterprises({
      catalogue, masterKeys: async () => masterKeysOf(await runtime.secrets.get()), clock: runtime.clock,
      bindings: seed.bindings, bindingDates: seed.bindingDates, faults: seed.faults
    })
    mockServer.on('request', mockEnterprisesListener(mock, print))

    carriers?.answerWith((await runtime.secrets.get()).enterpriseKey, runtime.clock, seed.subscribers)

    // the seed is where a new store starts, not a state to return to: a restart on the same --data keeps
    // what happened since (a number cancelled through the carrier route stays cancelled)
    if (await storeIsEmpty(admin, tableEnv)) {
      await seedSubscribers(runtime, seed)
      await seedEvents(runtime, seed.events)
    } else print('DynamoDB Local already holds data: the seed is not applied again')
    const handlers = bindHandlers(runtime)

    // stream pollers: Lambda's event source mappings, INSERT events only
    const streams = new DynamoDBStreamsClient(clientConfig)
    stops.push(async () => streams.destroy())
    const deadLetters: System['deadLetters'] = []
    const streamCalls: Record<string, number> = {}
    streams.middlewareStack.add((next, context) => async args => {
      const name = context.commandName ?? 'unknown'
      streamCalls[name] = (streamCalls[name] ?? 0) + 1
      return next(args)
    }, { step: 'initialize', name: 'countRequests' })
    if (options.streams !== false) {
      const pollers = await startStreamPollers({ handlers, admin, streams, tableEnv, idleMs: options.pollIdleMs, print, deadLetters })
      stops.push(...pollers.stops)
      // the functions' own writes wake the pollers of the tables written: idle shards are seldom read
      signalWrites(runtime.doc, pollers.written)
    }
    stops.push(...startSchedules(handlers, print, options.scheduleEveryMs))

    const dev: DevRoutes = { sms, mock, enterpriseIds: catalogue.enterprises.map(e => e.id), now: () => runtime.clock.now() }
    const api = http.createServer(apiListener({ handlers, dev, webRoot: options.webRoot, print }))
    api.keepAliveTimeout = 5000
    const url = await listen(api, options.port ?? 0, host)
    stops.push(() => close(api))
    // the mocks confirm release notices and answer disputes to the API, signed, as a real enterprise would
    mock.apiUrl = url
    runtime.publicUrl ??= url
    stops.push(async () => mock.stop())

    return { url, mockUrl, dynamoEndpoint, dynamoPid: dynamo?.pid, runtime, sms, mock, carriers: carriers && { served: carriers.served }, ddbCalls, streamCalls, deadLetters, scheduled: handlers.scheduled, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** no subscriber and no number history yet: the tables the seed fills */
async function storeIsEmpty (admin: DynamoDBClient, tableEnv: Record<string, string>): Promise<boolean> {
  for (const table of [TABLES.subscribers, TABLES.lifecycle]) {
    const { Items } = await admin.send(new ScanCommand({ TableName: tableEnv[table.envVar], Limit: 1, ConsistentRead: true }))
    if (Items?.length) return false
  }
  return true
}
