// Lambda's DynamoDB event source, on one machine: reads each table's stream and hands INSERT records
// to the same stream handler Lambda runs, sized by the same consumer definition (functions.ts): batches
// of batchSize, up to parallelizationFactor of them per shard at once. Failed records (batch item
// failures) are retried with backoff like Lambda's bounded retries, then set aside as the dead-letter
// queue would; so are records older than maxRecordAgeSeconds, unprocessed.
//
// What a read costs here: DynamoDB Local keeps every stream record of every table (24 h) in one SQLite
// table, and its GetRecords query scans all of it, on the emulator's one SQLite thread: each read costs
// more as records pile up, whatever it returns. So reads are few by design: the runtime wakes a poller
// when it writes to the poller's table (`wake`), an idle shard is read less and less often (backoff up
// to maxIdleMs, for writers the runtime does not see), and a shard that answers is read again after
// idleMs, so a burst of writes is picked up in one read rather than one each (a full page is read on at
// once). Shards are looked for on a wake until the stream has one, then now and then.
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
  /** the least time between two reads of a shard that is not behind (default 50 ms) */
  idleMs?: number
  /** the longest an idle shard goes unread without a wake (default 1000 ms) */
  maxIdleMs?: number
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
  /** writes to the table, signalled by the runtime */
  private readonly writes = new Signal()
  /** a shard's loop ended (closed shard, lost iterator): discovery looks again */
  private readonly shardEnded = new Signal()

  constructor (private readonly o: PollerOptions) {}

  /** the table was written: read soon (and look for a shard, if the stream has none yet) */
  wake (): void {
    this.writes.fire()
  }

  start (): void {
    this.running = true
    this.loops.push(this.discover())
  }

  async stop (): Promise<void> {
    this.running = false
    this.stopped.abort()
    this.writes.release()
    this.shardEnded.release()
    await Promise.allSettled(this.loops)
    await Promise.allSettled([...this.deliveries])
  }

  private async discover (): Promise<void> {
    let shardless = 0
    while (this.running) {
      const written = this.writes.count
      const ended = this.shardEnded.count
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
      // a stream has no shard until its first write, which wakes this loop; a shard ends (and wakes it)
      // only when DynamoDB Local closes it: look again now and then for writers the runtime does not see
      if (this.shards.size) { shardless = 0; await this.shardEnded.wait(30_000, ended) } else await this.writes.wait(this.backoff(shardless++, 5000), written)
    }
  }

  private async poll (shardId: string): Promise<void> {
    let iterator: string | undefined
    let idleRounds = 0 // reads in a row that found nothing
    let refresh = false
    let previousRead = -1 // the write count when the last read began
    const idleMs = this.o.idleMs ?? 50
    const { batchSize, parallelizationFactor } = this.o.consumer
    const inFlight = new Set<Promise<void>>()
    while (this.running) {
      // as Lambda does with a parallelization factor: read on while fewer batches than that are out
      if (inFlight.size >= parallelizationFactor) { await Promise.race(inFlight); continue }
      try {
        // DynamoDB Local can leave an iterator taken on an empty shard blind to later writes:
        // take a fresh one from the last record seen when a signalled write was not seen, or after a
        // few reads of silence
        if (!iterator || refresh) {
          const after = this.lastSequence.get(shardId)
          iterator = (await this.o.client.send(new GetShardIteratorCommand({
            StreamArn: this.o.streamArn,
            ShardId: shardId,
            ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' })
          }))).ShardIterator
          refresh = false
        }
        if (!iterator) break
        const free = parallelizationFactor - inFlight.size
        const seen = this.writes.count
        const written = seen !== previousRead
        previousRead = seen
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
        if (records.length >= batchSize * free) { idleRounds = 0; continue } // behind: read on at once
        if (records.length) idleRounds = 0
        // a signalled write this read did not see: the iterator may be blind, read again soon with a fresh one
        else if (written) { idleRounds = 0; refresh = true } else { idleRounds++; refresh = idleRounds % 3 === 0 }
        // let writes gather into one read; then read again on a wake, or after the idle backoff
        await this.sleep(idleMs)
        await this.writes.wait(this.backoff(idleRounds, this.o.maxIdleMs ?? 1000) - idleMs, seen)
      } catch (err) {
        iterator = undefined
        // DynamoDB Local answers a TRIM_HORIZON read of a still-empty shard this way: just look again
        if ((err as Error).name === 'TrimmedDataAccessException') { await this.writes.wait(this.backoff(idleRounds++, this.o.maxIdleMs ?? 1000), this.writes.count); continue }
        this.o.onError?.(err)
        await this.sleep(1000)
      }
    }
    // let discovery pick it up again should it still be listed (it resumes after the last record),
    // and find the shard that follows a closed one
    this.shards.delete(shardId)
    this.shardEnded.fire()
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

  /** idleMs doubled per idle round, up to max */
  private backoff (rounds: number, max: number): number {
    return Math.min((this.o.idleMs ?? 50) * 2 ** Math.min(rounds, 16), max)
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

/** a count of events, and waits that end early on one after a given count (or on release, at stop) */
class Signal {
  count = 0
  private released = false
  private readonly waiters = new Set<() => void>()

  fire (): void {
    this.count++
    for (const done of [...this.waiters]) done()
  }

  release (): void {
    this.released = true
    this.fire()
  }

  /** up to ms; at once if fired since `seen` */
  wait (ms: number, seen: number): Promise<void> {
    if (this.count !== seen || ms <= 0 || this.released) return Promise.resolve()
    return new Promise(resolve => {
      const done = () => { clearTimeout(timer); this.waiters.delete(done); resolve() }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
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
