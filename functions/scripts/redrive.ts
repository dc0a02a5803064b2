// `npm run redrive -- --stage S [--function NAME] [--dry-run]`: replays the stream records a stream
// consumer gave up on. Lambda's DynamoDB event source does not put the records in the DLQ, only where
// they were (shard, first and last sequence number, stream ARN). So for each DLQ message this reads
// that range from the stream again, hands its INSERT records to the same function (synchronous
// invoke, the event Lambda would have built) and deletes the message only when every record
// succeeded. The consumers are idempotent (conditional state transitions), so a record that did get
// through before is a no-op. Stream records live 24 hours: past that the range is gone, the message
// is kept and reported, and the sweep (domain/sweep.ts) has already ended what it held as FAILED.
import { parseArgs } from 'node:util'
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams'
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda'
import * as z from 'zod'
import { FUNCTIONS, deployedName, dlqName, type FunctionName } from '../src/infra-shared/functions'
import { toLambdaRecord } from '../src/local/stream-poller'

/** what Lambda writes to a stream event source's on-failure destination */
export const DlqMessage = z.object({
  DDBStreamBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string().regex(/^\d+$/),
    endSequenceNumber: z.string().regex(/^\d+$/),
    streamArn: z.string()
  })
})
export type BatchInfo = z.infer<typeof DlqMessage>['DDBStreamBatchInfo']

export interface QueuedMessage { body: string, receipt: string }

/** the outside world of the redrive, so its logic can be run against DynamoDB Local and fakes */
export interface RedrivePorts {
  /** the next messages of the DLQ (hidden from other readers while we work), or none when drained */
  receive (fn: FunctionName): Promise<QueuedMessage[]>
  remove (fn: FunctionName, receipt: string): Promise<void>
  /** the stream records of the batch, first to last sequence number; undefined when trimmed */
  records (info: BatchInfo): Promise<DynamoDBRecord[] | undefined>
  /** the function's answer: the sequence numbers it reported as failed, or all when it threw */
  invoke (fn: FunctionName, event: DynamoDBStreamEvent): Promise<string[]>
}

export interface RedriveReport { redriven: number, records: number, kept: { reason: string, batch?: BatchInfo }[] }

export async function redrive (ports: RedrivePorts, fn: FunctionName, { dryRun = false, maxMessages = 10_000 } = {}): Promise<RedriveReport> {
  const report: RedriveReport = { redriven: 0, records: 0, kept: [] }
  let seen = 0
  // each received message stays hidden until its visibility timeout ends, so this loop drains the queue once
  for (let batch = await ports.receive(fn); batch.length && seen < maxMessages; batch = await ports.receive(fn)) {
    for (const message of batch) {
      seen++
      const parsed = DlqMessage.safeParse(safeJson(message.body))
      if (!parsed.success) { report.kept.push({ reason: 'not a DynamoDB stream failure record' }); continue }
      const info = parsed.data.DDBStreamBatchInfo
      const records = await ports.records(info)
      if (!records) { report.kept.push({ reason: 'stream records trimmed (older than 24 h)', batch: info }); continue }
      const inserts = records.filter(r => r.eventName === 'INSERT')
      if (dryRun) { report.kept.push({ reason: `dry run: ${inserts.length} INSERT record(s) would be redriven`, batch: info }); continue }
      const failed = inserts.length ? await ports.invoke(fn, { Records: inserts }) : []
      if (failed.length) { report.kept.push({ reason: `${failed.length} record(s) failed again`, batch: info }); continue }
      await ports.remove(fn, message.receipt)
      report.redriven++
      report.records += inserts.length
    }
  }
  return report
}

function safeJson (text: string): unknown {
  try { return JSON.parse(text) } catch { return undefined }
}

/** Reads one shard from `start` through `end` (inclusive). */
export async function readRange (client: DynamoDBStreamsClient, info: BatchInfo): Promise<DynamoDBRecord[] | undefined> {
  const end = BigInt(info.endSequenceNumber)
  let iterator: string | undefined
  try {
    iterator = (await client.send(new GetShardIteratorCommand({
      StreamArn: info.streamArn, ShardId: info.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: info.startSequenceNumber
    }))).ShardIterator
  } catch (err) {
    if (['TrimmedDataAccessException', 'ResourceNotFoundException'].includes((err as Error).name)) return undefined
    throw err
  }
  const out: DynamoDBRecord[] = []
  // an open shard answers empty pages at its end: a few in a row mean there is nothing more yet
  for (let empty = 0; iterator && empty < 3;) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }))
    const records = page.Records ?? []
    empty = records.length ? 0 : empty + 1
    for (const r of records) {
      if (BigInt(r.dynamodb?.SequenceNumber ?? '0') > end) return out
      out.push(toLambdaRecord(r))
    }
    if (out.length && BigInt(out.at(-1)!.dynamodb!.SequenceNumber!) >= end) return out
    iterator = page.NextShardIterator
  }
  return out
}

export function awsPorts (stage: string, clients = { sqs: new SQSClient({}), lambda: new LambdaClient({}), streams: new DynamoDBStreamsClient({}) }): RedrivePorts {
  const urls = new Map<FunctionName, Promise<string>>()
  const queueUrl = (fn: FunctionName) => {
    if (!urls.has(fn)) urls.set(fn, clients.sqs.send(new GetQueueUrlCommand({ QueueName: dlqName(stage, fn) })).then(r => r.QueueUrl!))
    return urls.get(fn)!
  }
  return {
    async receive (fn) {
      const { Messages } = await clients.sqs.send(new ReceiveMessageCommand({
        QueueUrl: await queueUrl(fn), MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 300
      }))
      return (Messages ?? []).map(m => ({ body: m.Body ?? '', receipt: m.ReceiptHandle! }))
    },
    async remove (fn, receipt) {
      await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: await queueUrl(fn), ReceiptHandle: receipt }))
    },
    records: info => readRange(clients.streams, info),
    async invoke (fn, event) {
      const out = await clients.lambda.send(new InvokeCommand({ FunctionName: deployedName(stage, fn), Payload: Buffer.from(JSON.stringify(event)) }))
      if (out.FunctionError) return event.Records.map(r => r.dynamodb!.SequenceNumber!)
      const answer = JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || '{}') as DynamoDBBatchResponse | null
      return (answer?.batchItemFailures ?? []).map(f => f.itemIdentifier)
    }
  }
}

const STREAM_CONSUMERS = (Object.keys(FUNCTIONS) as FunctionName[]).filter(name => 'streamFrom' in FUNCTIONS[name])

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      function: { type: 'string' },
      'dry-run': { type: 'boolean', default: false }
    }
  })
  const usage = `usage: npm run redrive -- --stage dev|prod [--function ${STREAM_CONSUMERS.join('|')}] [--dry-run]`
  if (!values.stage) throw new Error(usage)
  const fns = values.function ? [values.function as FunctionName] : STREAM_CONSUMERS
  for (const fn of fns) if (!STREAM_CONSUMERS.includes(fn)) throw new Error(`${fn} is not a stream consumer\n${usage}`)
  const ports = awsPorts(values.stage)
  let kept = 0
  for (const fn of fns) {
    const report = await redrive(ports, fn, { dryRun: values['dry-run'] })
    console.log(`${dlqName(values.stage, fn)}: ${report.redriven} message(s) redriven (${report.records} record(s)), ${report.kept.length} kept`)
    for (const k of report.kept) console.log(`  kept: ${k.reason}${k.batch ? ` — ${k.batch.shardId} ${k.batch.startSequenceNumber}…${k.batch.endSequenceNumber}` : ''}`)
    kept += report.kept.length
  }
  if (kept) process.exitCode = 2
}

if (require.main === module) {
  main().catch(err => { console.error(err instanceof Error ? err.message : err); process.exit(1) })
}
