// DisputeOutbox INSERT: deliver the dispute to its enterprise (the record is the message).
import { runtime, type Runtime } from '#adapters/runtime'
import { forwardDispute } from '#domain/cases'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async itemId => {
  const outcome = await forwardDispute(await rt(), itemId)
  logger.info('dispute', { itemId, outcome })
})

export const handler = makeHandler(runtime)
