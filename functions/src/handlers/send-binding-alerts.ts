// BindingEvents INSERT: the alert SMS for a reported binding, now or held (quiet hours, the daily cap).
import { runtime, type Runtime } from '#adapters/runtime'
import { deliverAlert } from '#domain/alerts'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async key => {
  const outcome = await deliverAlert(await rt(), key)
  // the key holds keyed hashes only; the enterprise and outcome are what an operator needs
  logger.info('binding alert', { enterpriseId: key.split('#')[2], outcome })
})

export const handler = makeHandler(runtime)
