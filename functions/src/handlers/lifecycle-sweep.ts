// Scheduled: release notices still undelivered get another round; after an hour they lose the clear number.
import { runtime, type Runtime } from '#adapters/runtime'
import { retryNotices } from '#domain/lifecycle'
import { logger } from '#lib/logger'

export const makeHandler = (rt: () => Promise<Runtime>) => async (): Promise<void> => {
  const tally = await retryNotices(await rt())
  logger.info('lifecycle sweep', tally)
}

export const handler = makeHandler(runtime)
