// Scheduled: late items become OVERDUE, held SMS updates go out, undelivered disputes are retried
// and, after an hour, lose the clear number.
import { runtime, type Runtime } from '#adapters/runtime'
import { sweepCases } from '#domain/cases'
import { logger } from '#lib/logger'

export const makeHandler = (rt: () => Promise<Runtime>) => async (): Promise<void> => {
  const tally = await sweepCases(await rt())
  logger.info('case sweep', { ...tally })
}

export const handler = makeHandler(runtime)
