// Stream handlers: Powertools batch processing, so one bad record is reported alone (batch item
// failure) and neither blocks nor replays the records around it.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda'
import { logger } from './logger'
import { publishMetrics } from './metrics'

/** Calls `handle` with the partition key of every INSERT; other events carry nothing to do. */
export function insertedKeys (handle: (pk: string) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams)
  const record = async (r: DynamoDBRecord) => {
    const pk = r.dynamodb?.Keys?.pk?.S
    if (r.eventName !== 'INSERT' || !pk) return
    await handle(pk)
  }
  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    // request id and cold start on every line of this invocation (the local runtime passes no context)
    if (context) logger.addContext(context)
    try {
      return await processPartialResponse(event, record, processor, { context: context as Context })
    } finally {
      publishMetrics()
    }
  }
}
