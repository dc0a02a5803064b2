import { runtime, type Runtime } from '#adapters/runtime'
import { processQuery } from '#domain/processing'
import { logger } from '#lib/logger'
import { enterpriseMetric } from '#lib/metrics'
import { insertedKeys } from '#lib/stream'
import { FUNCTIONS } from '#infra-shared/functions'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async queryId => {
  const runtime = await rt()
  const { catalogue } = await runtime.enterprises()
  const outcome = await processQuery({ ...runtime, catalogue }, queryId)
  if (outcome.status === 'queued') {
    for (const { id } of catalogue.enterprises) enterpriseMetric(id, 'enterpriseUnavailable', outcome.unavailable.includes(id) ? 1 : 0)
  }
  logger.info('query processed', { queryId, ...outcome })
}, FUNCTIONS.processQuery.consumer.recordConcurrency)

export const handler = makeHandler(runtime)
