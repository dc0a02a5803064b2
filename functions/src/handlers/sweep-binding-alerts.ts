// Scheduled: held binding alerts whose time has come (08:00 China time, the next day's first alert, or
// events waiting with held ones) go out folded, one SMS per number.
import { runtime, type Runtime } from '#adapters/runtime'
import { sweepAlerts } from '#domain/alerts'
import { logger } from '#lib/logger'

export const makeHandler = (rt: () => Promise<Runtime>) => async () => {
  const tally = await sweepAlerts(await rt())
  if (tally.sent || tally.held || tally.dropped) logger.info('binding alert sweep', { ...tally })
  return tally
}

export const handler = makeHandler(runtime)
