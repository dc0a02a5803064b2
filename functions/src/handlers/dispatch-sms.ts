import { runtime, type Runtime } from '#adapters/runtime'
import { dispatchSms } from '#domain/dispatch'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'
import { FUNCTIONS } from '#shared/functions'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async messageId => {
  const outcome = await dispatchSms(await rt(), messageId)
  if (outcome.status === 'failed') logger.warn('sms failed', { messageId, error: outcome.error })
  else logger.info('sms dispatched', { messageId, status: outcome.status })
}, FUNCTIONS.dispatchSms.consumer.recordConcurrency)

export const handler = makeHandler(runtime)
