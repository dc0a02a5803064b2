// The local poller on DynamoDB Local's stream, sized by a consumer definition as Lambda's event source
// is: batches of batchSize, several batches of one shard at once, too-old records set aside unprocessed.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda'
import { LOCAL_CREDENTIALS } from '../../src/local/dynamo-local'
import { StreamPoller } from '../../src/local/stream-poller'
import { createTables, streamArn } from '../../src/local/tables'
import { FUNCTIONS, type StreamConsumer } from '../../src/infra-shared/functions'
import { TABLES } from '../../src/infra-shared/tables'
import { waitFor } from '../support/harness'

const config = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'local', credentials: LOCAL_CREDENTIALS }
const admin = new DynamoDBClient(config)
const doc = DynamoDBDocumentClient.from(admin)
const streams = new DynamoDBStreamsClient(config)
let poller: StreamPoller | undefined
afterEach(async () => { await poller?.stop() })
afterAll(() => { streams.destroy(); admin.destroy() })

async function queriesStream () {
  const env = await createTables(admin, `p${process.pid}x${Date.now().toString(36)}_`)
  const table = env[TABLES.queries.envVar]!
  return { table, arn: await streamArn(admin, table) }
}

const put = (table: string, n: number) => Promise.all(Array.from({ length: n }, (_, i) =>
  doc.send(new PutCommand({ TableName: table, Item: { pk: `q${i}` } }))))

test('records arrive in batches of at most batchSize, up to parallelizationFactor batches at once', async () => {
  const { table, arn } = await queriesStream()
  const consumer: StreamConsumer = { batchSize: 3, parallelizationFactor: 4, recordConcurrency: 3, retryAttempts: 0, maxRecordAgeSeconds: 900 }
  const seen: string[] = []
  let open = 0
  let mostAtOnce = 0
  let largest = 0
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  await put(table, 24)
  poller = new StreamPoller({
    client: streams, streamArn: arn, name: 'test', consumer, idleMs: 10,
    handler: async (event: DynamoDBStreamEvent) => {
      open++
      mostAtOnce = Math.max(mostAtOnce, open)
      largest = Math.max(largest, event.Records.length)
      await gate // hold every batch until as many as allowed are out
      seen.push(...event.Records.map(r => r.dynamodb!.Keys!.pk!.S!))
      open--
    }
  })
  poller.start()
  await waitFor(() => open === consumer.parallelizationFactor || undefined, 'batches in flight')
  release()
  await waitFor(() => seen.length === 24 || undefined, 'every record')
  expect(mostAtOnce).toBe(consumer.parallelizationFactor)
  expect(largest).toBeLessThanOrEqual(consumer.batchSize)
  expect(new Set(seen).size).toBe(24)
})

test('a record older than maxRecordAgeSeconds goes to the dead letters unprocessed', async () => {
  const { table, arn } = await queriesStream()
  const consumer = FUNCTIONS.processQuery.consumer
  const handled: string[] = []
  const dead: { key: string, reason: string }[] = []
  await put(table, 2)
  poller = new StreamPoller({
    client: streams, streamArn: arn, name: 'test', consumer, idleMs: 10,
    now: () => Date.now() + (consumer.maxRecordAgeSeconds + 60) * 1000, // the records waited too long
    handler: async event => { handled.push(...event.Records.map(r => r.dynamodb!.Keys!.pk!.S!)) },
    onDeadLetter: (r: DynamoDBRecord, _name, reason) => dead.push({ key: r.dynamodb!.Keys!.pk!.S!, reason })
  })
  poller.start()
  await waitFor(() => dead.length === 2 || undefined, 'dead letters')
  expect(dead.sort((a, b) => a.key.localeCompare(b.key))).toEqual([{ key: 'q0', reason: 'expired' }, { key: 'q1', reason: 'expired' }])
  expect(handled).toEqual([])
})

test('an idle shard is read seldom, and a wake (a write the runtime made) brings the next record at once', async () => {
  const { table, arn } = await queriesStream()
  const reads = new DynamoDBStreamsClient(config)
  let getRecords = 0
  reads.middlewareStack.add((next, context) => async args => {
    if (context.commandName === 'GetRecordsCommand') getRecords++
    return next(args)
  }, { step: 'initialize', name: 'countReads' })
  const seen: string[] = []
  await put(table, 1) // the stream has a shard
  poller = new StreamPoller({
    client: reads, streamArn: arn, name: 'test', consumer: FUNCTIONS.processQuery.consumer,
    idleMs: 10, maxIdleMs: 600_000, // without a wake, an idle shard would wait ten minutes
    handler: async event => { seen.push(...event.Records.map(r => r.dynamodb!.Keys!.pk!.S!)) }
  })
  poller.start()
  await waitFor(() => seen.length === 1 || undefined, 'the first record')
  const before = getRecords
  await new Promise(resolve => setTimeout(resolve, 1500))
  // backing off from 10 ms, doubling: a handful of reads in 1.5 s, where a fixed 10 ms pace makes ~150
  expect(getRecords - before).toBeLessThan(15)
  await doc.send(new PutCommand({ TableName: table, Item: { pk: 'woken' } }))
  poller.wake()
  await waitFor(() => seen.includes('woken') || undefined, 'the record after the wake')
  reads.destroy()
})
