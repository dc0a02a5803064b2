import { runtime, type Runtime } from '#adapters/runtime'
import { processQuery } from '#domain/processing'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'
import { FUNCTIONS } from '#shared/functions'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async queryId => {
  const outcome = await processQuery(await rt(), queryId)
  logger.info('query processed', { queryId, ...outcome })
}, FUNCTIONS.processQuery.consumer.recordConcurrency)

export const handler = makeHandler(runtime)
