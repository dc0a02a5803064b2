// Stream handlers: Powertools batch processing, so one bad record is reported alone (batch item
// failure) and neither blocks nor replays the records around it.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda'
import { logger } from './logger'
import { publishMetrics } from './metrics'

/**
 * Calls `handle` with the partition key of every INSERT, at most `concurrency` records of a batch at
 * once (the consumer's recordConcurrency); other events carry nothing to do.
 */
export function insertedKeys (handle: (pk: string) => Promise<void>, concurrency = Infinity) {
  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    // per invocation: the processor keeps the batch's outcomes, and the local poller runs several
    // batches of one handler at once (parallelization factor) as Lambda runs several containers
    const processor = new BatchProcessor(EventType.DynamoDBStreams)
    const limit = limiter(concurrency)
    const record = async (r: DynamoDBRecord) => {
      const pk = r.dynamodb?.Keys?.pk?.S
      if (r.eventName !== 'INSERT' || !pk) return
      await limit(() => handle(pk))
    }
    // request id and cold start on every line of this invocation (the local runtime passes no context)
    if (context) logger.addContext(context)
    try {
      return await processPartialResponse(event, record, processor, { context: context as Context, processInParallel: true })
    } finally {
      publishMetrics()
    }
  }
}

/** Runs at most `max` tasks at once, the rest in arrival order (p-limit is ESM-only; this is its core). */
export function limiter (max: number) {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>(resolve => waiting.push(resolve))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}
