// Scheduled: late items become OVERDUE, held SMS updates go out, undelivered disputes are retried
// and, after an hour, lose the clear number.
import { runtime, type Runtime } from '#adapters/runtime'
import { sweepCases, type SweepOutcome } from '#domain/cases'
import { logger } from '#lib/logger'
import { countMetricBy, enterpriseCounts, METRIC_NAMES, publishMetrics } from '#lib/metrics'

export const makeHandler = (rt: () => Promise<Runtime>) => async (): Promise<void> => {
  try {
    const tally = await sweepCases(await rt())
    countSweep(tally)
    logger.info('case sweep', { ...tally })
  } finally {
    publishMetrics()
  }
}

/** per enterprise: items that missed a deadline, and the retries it took or still did not; the clear numbers dropped */
function countSweep (tally: SweepOutcome): void {
  const per = (key: keyof SweepOutcome['enterprises'][string]) =>
    Object.fromEntries(Object.entries(tally.enterprises).map(([id, counts]) => [id, counts[key]]))
  enterpriseCounts('caseItemsOverdue', per('overdue'))
  enterpriseCounts('disputesForwarded', per('forwarded'))
  enterpriseCounts('disputesDeferred', per('deferred'))
  countMetricBy(METRIC_NAMES.disputesDropped, tally.dropped)
}

export const handler = makeHandler(runtime)
