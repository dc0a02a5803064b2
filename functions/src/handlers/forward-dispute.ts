// DisputeOutbox INSERT: deliver the dispute to its enterprise (the record is the message).
import { runtime, type Runtime } from '#adapters/runtime'
import { forwardDispute } from '#domain/cases'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async itemId => {
  const { status, error } = await forwardDispute(await rt(), itemId)
  // the sweep tries again until the clear number's hour is up: a warning, not an error
  if (error) logger.warn('dispute not delivered', { itemId, status, error })
  else logger.info('dispute', { itemId, status })
})

export const handler = makeHandler(runtime)
