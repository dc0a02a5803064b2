import { storeRuntime, type StoreRuntime } from '#adapters/runtime'
import { dispatchSms } from '#domain/dispatch'
import { logger } from '#lib/logger'
import { countMetric, METRIC_NAMES } from '#lib/metrics'
import { insertedKeys } from '#lib/stream'
import { FUNCTIONS } from '#infra-shared/functions'

export const makeHandler = (rt: () => Promise<StoreRuntime>) => insertedKeys(async messageId => {
  const outcome = await dispatchSms(await rt(), messageId)
  if (outcome.status === 'sent') countMetric(METRIC_NAMES.smsSent)
  if (outcome.status === 'failed') {
    countMetric(METRIC_NAMES.smsFailed)
    logger.warn('sms failed', { messageId, error: outcome.error })
  } else logger.info('sms dispatched', { messageId, status: outcome.status })
}, FUNCTIONS.dispatchSms.consumer.recordConcurrency)

// reads no secret: the stores alone (its role has no grant on the secrets parameter)
export const handler = makeHandler(storeRuntime)
