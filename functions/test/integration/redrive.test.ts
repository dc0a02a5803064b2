// `npm run redrive`: the DLQ message holds only where the failed records were; the redrive reads that
// range from the real stream (DynamoDB Local), hands the INSERTs to the same handler and deletes the
// message only on success. The queue and the invoke are in-memory stand-ins for SQS and Lambda.
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand
} from '@aws-sdk/client-dynamodb-streams'
import type { DynamoDBStreamEvent } from 'aws-lambda'
import { LOCAL_CREDENTIALS } from '../../src/local/dynamo-local'
import { streamArn } from '../../src/local/tables'
import { makeHandler as processQuery } from '../../src/handlers/process-query'
import type { FunctionName } from '../../src/infra-shared/functions'
import { readRange, redrive, type BatchInfo, type QueuedMessage, type RedrivePorts } from '../../scripts/redrive'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const PHONE = '13800005551'
let sys: TestSystem
let streams: DynamoDBStreamsClient
beforeAll(async () => {
  // no pollers: the consumers "gave up", as after Lambda's retries
  sys = await startTestSystem({ streams: false })
  streams = new DynamoDBStreamsClient({ endpoint: sys.dynamoEndpoint, region: 'local', credentials: LOCAL_CREDENTIALS })
})
afterAll(async () => { streams?.destroy(); await sys?.stop() })

async function acceptQuery (code: string): Promise<string> {
  sys.random.codes = [code]
  expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: PHONE })).status).toBe(202)
  sys.clock.advance(61_000)
  const res = await call(sys.url, 'POST', '/v1/queries', { phone: PHONE, idSuffix: '12345X', code, consent: true })
  expect(res.status).toBe(202)
  return res.body.queryId
}

/** the stream records of the Queries table, as Lambda's failure record would locate them */
async function queriesStream (): Promise<{ arn: string, shardId: string, seqs: Map<string, string> }> {
  const arn = await streamArn(sys.runtime.doc as never, sys.table('Queries'))
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }))
  const shardId = StreamDescription!.Shards!.at(-1)!.ShardId!
  let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator
  const seqs = new Map<string, string>()
  for (let i = 0; iterator && i < 5; i++) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }))
    for (const r of page.Records ?? []) if (r.eventName === 'INSERT') seqs.set(r.dynamodb!.Keys!.pk!.S!, r.dynamodb!.SequenceNumber!)
    iterator = page.NextShardIterator
  }
  return { arn, shardId, seqs }
}

function fakeQueue (bodies: string[]) {
  const queue: (QueuedMessage & { hidden: boolean })[] = bodies.map((body, i) => ({ body, receipt: `r${i}`, hidden: false }))
  return {
    queue,
    receive: async () => {
      const visible = queue.filter(m => !m.hidden).slice(0, 10)
      for (const m of visible) m.hidden = true
      return visible
    },
    remove: async (_: FunctionName, receipt: string) => { queue.splice(queue.findIndex(m => m.receipt === receipt), 1) }
  }
}

const failure = (info: BatchInfo) => JSON.stringify({
  requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  version: '1.0',
  timestamp: new Date().toISOString(),
  DDBStreamBatchInfo: { ...info, batchSize: 1, approximateArrivalOfFirstRecord: '', approximateArrivalOfLastRecord: '' }
})

test('a dead-lettered query is processed from its DLQ message; the message goes only once every record succeeded', async () => {
  const first = await acceptQuery('111111')
  const second = await acceptQuery('222222')
  const { arn, shardId, seqs } = await queriesStream()
  const one = { shardId, streamArn: arn, startSequenceNumber: seqs.get(first)!, endSequenceNumber: seqs.get(first)! }

  // the range reader returns exactly the records between the two sequence numbers
  const read = await readRange(streams, one)
  expect(read!.map(r => r.dynamodb!.Keys!.pk!.S)).toEqual([first])
  const both = await readRange(streams, { ...one, endSequenceNumber: seqs.get(second)! })
  expect(both!.map(r => r.dynamodb!.Keys!.pk!.S)).toEqual([first, second])

  const invoked: DynamoDBStreamEvent[] = []
  let failNext = true
  const handler = processQuery(() => Promise.resolve(sys.runtime))
  const q = fakeQueue([failure(one), failure({ ...one, startSequenceNumber: seqs.get(second)!, endSequenceNumber: seqs.get(second)! }), 'not json'])
  const ports: RedrivePorts = {
    receive: q.receive,
    remove: q.remove,
    records: info => readRange(streams, info),
    invoke: async (_fn, event) => {
      invoked.push(event)
      // the first invocation fails as it did before (e.g. still an outage): its message must stay
      if (failNext) { failNext = false; return event.Records.map(r => r.dynamodb!.SequenceNumber!) }
      return ((await handler(event))?.batchItemFailures ?? []).map(f => f.itemIdentifier)
    }
  }

  const dry = await redrive({ ...ports, invoke: async () => { throw new Error('a dry run invokes nothing') } }, 'processQuery', { dryRun: true })
  expect(dry.redriven).toBe(0)
  expect(q.queue).toHaveLength(3)
  for (const m of q.queue) m.hidden = false

  const report = await redrive(ports, 'processQuery')
  expect(report).toMatchObject({ redriven: 1, records: 1 })
  expect(report.kept.map(k => k.reason)).toEqual(['1 record(s) failed again', 'not a DynamoDB stream failure record'])
  expect(invoked.map(e => e.Records.map(r => r.dynamodb!.Keys!.pk!.S))).toEqual([[first], [second]])
  const dump = await sys.dump()
  const done = dump.Queries.find(x => x.pk === second)!
  expect(done).not.toHaveProperty('recipient')
  expect(done.results).toBeDefined()
  expect(dump.SmsOutbox.some(m => m.pk === `result-${second}`)).toBe(true)
  // the failed one is still in the queue and still waits
  expect(q.queue.map(m => m.receipt)).toEqual(['r0', 'r2'])
  expect(dump.Queries.find(x => x.pk === first)).toHaveProperty('recipient')

  // next run: it goes through; a replay of an already processed record changes nothing
  for (const m of q.queue) m.hidden = false
  q.queue.push({ body: failure({ ...one, startSequenceNumber: seqs.get(second)!, endSequenceNumber: seqs.get(second)! }), receipt: 'r3', hidden: false })
  const again = await redrive(ports, 'processQuery')
  expect(again).toMatchObject({ redriven: 2, records: 2 })
  const after = await sys.dump()
  expect(after.Queries.find(x => x.pk === first)).not.toHaveProperty('recipient')
  expect(after.SmsOutbox.filter(m => m.template === 'result')).toHaveLength(2)
})

test('a range that no longer exists in the stream is kept and reported, not dropped', async () => {
  const { arn } = await queriesStream()
  const gone = { shardId: 'shardId-00000000000000000000-00000000', streamArn: arn, startSequenceNumber: '1'.padStart(21, '0'), endSequenceNumber: '1'.padStart(21, '0') }
  const q = fakeQueue([failure(gone)])
  const report = await redrive({ ...q, records: info => readRange(streams, info), invoke: async () => [] }, 'processQuery')
  expect(report.redriven).toBe(0)
  expect(report.kept.map(k => k.reason)).toEqual(['stream records trimmed (older than 24 h)'])
  expect(q.queue).toHaveLength(1)
})
