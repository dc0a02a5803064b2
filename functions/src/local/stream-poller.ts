// Lambda's DynamoDB event source, on one machine: reads each table's stream and hands INSERT records
// to the same stream handler Lambda runs. Failed records (batch item failures) are retried with
// backoff like Lambda's bounded retries, then set aside as the dead-letter queue would.
import {
  DescribeStreamCommand, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record
} from '@aws-sdk/client-dynamodb-streams'
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda'

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>

export interface PollerOptions {
  client: DynamoDBStreamsClient
  streamArn: string
  handler: StreamHandler
  name: string
  idleMs?: number
  maxRetries?: number
  onDeadLetter?: (record: DynamoDBRecord, name: string) => void
  onError?: (err: unknown) => void
}

export class StreamPoller {
  private running = false
  private readonly stopped = new AbortController()
  private readonly shards = new Set<string>()
  private readonly lastSequence = new Map<string, string>()
  private loops: Promise<void>[] = []

  constructor (private readonly o: PollerOptions) {}

  start (): void {
    this.running = true
    this.loops.push(this.discover())
  }

  async stop (): Promise<void> {
    this.running = false
    this.stopped.abort()
    await Promise.allSettled(this.loops)
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
    while (this.running) {
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
        const out = await this.o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }))
        const records = out.Records ?? []
        const inserts = records.filter(r => r.eventName === 'INSERT')
        if (inserts.length) await this.deliver(inserts.map(toLambdaRecord))
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
    const maxRetries = this.o.maxRetries ?? 5
    for (let attempt = 0; pending.length && attempt <= maxRetries; attempt++) {
      if (attempt) await this.sleep(Math.min(100 * 2 ** attempt, 5000))
      let failed: Set<string>
      try {
        const res = await this.o.handler({ Records: pending })
        failed = new Set((res?.batchItemFailures ?? []).map(f => f.itemIdentifier))
      } catch {
        failed = new Set(pending.map(r => r.dynamodb!.SequenceNumber!))
      }
      pending = pending.filter(r => failed.has(r.dynamodb!.SequenceNumber!))
    }
    for (const record of pending) this.o.onDeadLetter?.(record, this.o.name)
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
