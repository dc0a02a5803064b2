import { runtime, type Runtime } from '#adapters/runtime'
import { processQuery } from '#domain/processing'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async queryId => {
  const runtime = await rt()
  const { catalogue } = await runtime.enterprises()
  const outcome = await processQuery({ ...runtime, catalogue }, queryId)
  logger.info('query processed', { queryId, ...outcome })
})

export const handler = makeHandler(runtime)
