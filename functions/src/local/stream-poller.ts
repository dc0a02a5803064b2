// Lambda's DynamoDB event source, on one machine: reads each table's stream and hands INSERT records
// to the same stream handler Lambda runs, sized by the same consumer definition (functions.ts): batches
// of batchSize, up to parallelizationFactor of them per shard at once. Failed records (batch item
// failures) are retried with backoff like Lambda's bounded retries, then set aside as the dead-letter
// queue would; so are records older than maxRecordAgeSeconds, unprocessed.
import {
  DescribeStreamCommand, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record
} from '@aws-sdk/client-dynamodb-streams'
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda'
import type { StreamConsumer } from '#infra-shared/functions'

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>

export interface PollerOptions {
  client: DynamoDBStreamsClient
  streamArn: string
  handler: StreamHandler
  name: string
  consumer: StreamConsumer
  idleMs?: number
  /** wall clock for record age (stream records carry wall-clock creation times) */
  now?: () => number
  onDeadLetter?: (record: DynamoDBRecord, name: string, reason: 'failed' | 'expired') => void
  onError?: (err: unknown) => void
}

export class StreamPoller {
  private running = false
  private readonly stopped = new AbortController()
  private readonly shards = new Set<string>()
  private readonly lastSequence = new Map<string, string>()
  private loops: Promise<void>[] = []
  private readonly deliveries = new Set<Promise<void>>()

  constructor (private readonly o: PollerOptions) {}

  start (): void {
    this.running = true
    this.loops.push(this.discover())
  }

  async stop (): Promise<void> {
    this.running = false
    this.stopped.abort()
    await Promise.allSettled(this.loops)
    await Promise.allSettled([...this.deliveries])
  }

  private async discover (): Promise<void> {
    while (this.running) {
      try {
        const { StreamDescription } = await this.o.client.send(new DescribeStreamCommand({ StreamArn: this.o.streamArn }))
        for (const shard of StreamDescription?.Shards ?? []) {
          if (shard.ShardId && !this.shards.has(shard.ShardId)) {
            this.shards.add(shard.ShardId)
            this.loops.push(this.poll(shard.ShardId))
          }
        }
      } catch (err) {
        this.o.onError?.(err)
      }
      // a stream has no shard until its first write: look again soon, then now and then
      await this.sleep(this.shards.size ? 2000 : 100)
    }
  }

  private async poll (shardId: string): Promise<void> {
    let iterator: string | undefined
    let emptyReads = 0
    const { batchSize, parallelizationFactor } = this.o.consumer
    const inFlight = new Set<Promise<void>>()
    while (this.running) {
      // as Lambda does with a parallelization factor: read on while fewer batches than that are out
      if (inFlight.size >= parallelizationFactor) { await Promise.race(inFlight); continue }
      try {
        // DynamoDB Local can leave an iterator taken on an empty shard blind to later writes:
        // take a fresh one from the last record seen every second or so of silence
        if (!iterator || emptyReads >= 20) {
          const after = this.lastSequence.get(shardId)
          iterator = (await this.o.client.send(new GetShardIteratorCommand({
            StreamArn: this.o.streamArn,
            ShardId: shardId,
            ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' })
          }))).ShardIterator
          emptyReads = 0
        }
        if (!iterator) break
        const free = parallelizationFactor - inFlight.size
        const out = await this.o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize * free }))
        const records = out.Records ?? []
        const inserts = records.filter(r => r.eventName === 'INSERT').map(toLambdaRecord)
        for (let i = 0; i < inserts.length; i += batchSize) {
          const delivery: Promise<void> = this.deliver(inserts.slice(i, i + batchSize))
            .finally(() => { inFlight.delete(delivery); this.deliveries.delete(delivery) })
          inFlight.add(delivery)
          this.deliveries.add(delivery)
        }
        const last = records.at(-1)?.dynamodb?.SequenceNumber
        if (last) this.lastSequence.set(shardId, last)
        iterator = out.NextShardIterator
        if (!iterator) break // shard closed
        if (!records.length) { emptyReads++; await this.sleep(this.o.idleMs ?? 50) } else emptyReads = 0
      } catch (err) {
        iterator = undefined
        // DynamoDB Local answers a TRIM_HORIZON read of a still-empty shard this way: just look again
        if ((err as Error).name === 'TrimmedDataAccessException') { await this.sleep(this.o.idleMs ?? 50); continue }
        this.o.onError?.(err)
        await this.sleep(1000)
      }
    }
    // let discovery pick it up again should it still be listed (it resumes after the last record)
    this.shards.delete(shardId)
  }

  private async deliver (records: DynamoDBRecord[]): Promise<void> {
    let pending = records
    const { retryAttempts, maxRecordAgeSeconds } = this.o.consumer
    const now = this.o.now ?? Date.now
    for (let attempt = 0; pending.length && attempt <= retryAttempts; attempt++) {
      if (attempt) await this.sleep(Math.min(100 * 2 ** attempt, 5000))
      // too old to be worth doing: set aside unprocessed, as Lambda does past MaximumRecordAgeInSeconds
      const oldest = now() / 1000 - maxRecordAgeSeconds
      for (const r of pending) if ((r.dynamodb?.ApproximateCreationDateTime ?? Infinity) < oldest) this.o.onDeadLetter?.(r, this.o.name, 'expired')
      pending = pending.filter(r => (r.dynamodb?.ApproximateCreationDateTime ?? Infinity) >= oldest)
      if (!pending.length) break
      let failed: Set<string>
      try {
        const res = await this.o.handler({ Records: pending })
        failed = new Set((res?.batchItemFailures ?? []).map(f => f.itemIdentifier))
      } catch {
        failed = new Set(pending.map(r => r.dynamodb!.SequenceNumber!))
      }
      pending = pending.filter(r => failed.has(r.dynamodb!.SequenceNumber!))
    }
    for (const record of pending) this.o.onDeadLetter?.(record, this.o.name, 'failed')
  }

  private sleep (ms: number): Promise<void> {
    const signal = this.stopped.signal
    return new Promise(resolve => {
      const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}

/** a DynamoDB Streams record in the shape Lambda hands to a stream handler */
export function toLambdaRecord (r: _Record): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventSource: 'aws:dynamodb',
    eventVersion: r.eventVersion,
    awsRegion: r.awsRegion,
    dynamodb: {
      Keys: r.dynamodb?.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      SequenceNumber: r.dynamodb?.SequenceNumber,
      SizeBytes: r.dynamodb?.SizeBytes,
      StreamViewType: r.dynamodb?.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined
    }
  }
}
