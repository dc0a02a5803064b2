import { runtime, type Runtime } from '#adapters/runtime'
import { dispatchSms } from '#domain/dispatch'
import { logger } from '#lib/logger'
import { countMetric, METRIC_NAMES } from '#lib/metrics'
import { insertedKeys } from '#lib/stream'
import { FUNCTIONS } from '#infra-shared/functions'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async messageId => {
  const r = await rt()
  const outcome = await dispatchSms({ ...r, smsTemplates: await r.templates(), sleep: r.smsSleep }, messageId)
  if (outcome.status === 'sent') countMetric(METRIC_NAMES.smsSent)
  if (outcome.status === 'failed') {
    countMetric(METRIC_NAMES.smsFailed)
    logger.warn('sms failed', { messageId, error: outcome.error })
  } else if (outcome.status === 'deferred') {
    // the record fails: the event source retries it (retryAttempts, then the DLQ); the message stays
    // claimable until then, and the stuck sweep ends it FAILED if it never goes
    logger.warn('sms deferred', { messageId, error: outcome.error })
    throw new Error(`SMS ${messageId} not sent yet: ${outcome.error ?? ''}`)
  } else logger.info('sms dispatched', { messageId, status: outcome.status })
}, FUNCTIONS.dispatchSms.consumer.recordConcurrency)

export const handler = makeHandler(runtime)
