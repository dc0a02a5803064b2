// DisputeOutbox INSERT: deliver the dispute to its enterprise (the record is the message).
import { runtime, type Runtime } from '#adapters/runtime'
import { forwardDispute, type ForwardOutcome } from '#domain/cases'
import { logger } from '#lib/logger'
import { enterpriseMetric } from '#lib/metrics'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async itemId => {
  const outcome = await forwardDispute(await rt(), itemId)
  countForward(outcome)
  // the sweep tries again until the clear number's hour is up: a warning, not an error
  if (outcome.status === 'retry-later') logger.warn('dispute not delivered', { itemId, status: outcome.status, error: outcome.error })
  else logger.info('dispute', { itemId, status: outcome.status })
})

/** per enterprise: taken, or not yet (skipped is nothing to deliver: a repeat or past its hour) */
function countForward (outcome: ForwardOutcome): void {
  if (outcome.status === 'forwarded') enterpriseMetric(outcome.enterpriseId, 'disputesForwarded', 1)
  if (outcome.status === 'retry-later') enterpriseMetric(outcome.enterpriseId, 'disputesDeferred', 1)
}

export const handler = makeHandler(runtime)
