// Scheduled: ends what a failure left holding a clear number (see domain/sweep.ts).
import { storeRuntime, type StoreRuntime } from '#adapters/runtime'
import { sweepStuck } from '#domain/sweep'
import { logger } from '#lib/logger'

export const makeHandler = (rt: () => Promise<StoreRuntime>) => async () => {
  const outcome = await sweepStuck(await rt())
  if (outcome.queries || outcome.messages) logger.warn('stuck rows ended as FAILED', { ...outcome })
  return outcome
}

export const handler = makeHandler(storeRuntime)
