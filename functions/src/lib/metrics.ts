// Business metrics as CloudWatch embedded metric format (EMF) lines: no API call, CloudWatch reads them
// from the function's log.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { DisputeCallback } from '#contract/disputes'
import type { EnterpriseGateway } from '#ports'
import { ENTERPRISE_DIMENSION, METRIC_NAMES, STATUS_DIMENSION, type DISPUTE_ANSWER_STATUSES } from './metric-names'

export { ENTERPRISE_DIMENSION, METRIC_NAMES, STATUS_DIMENSION }

// the statuses the dashboard plots are exactly those an enterprise can answer with
type AnswerStatus = DisputeCallback['status']
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const sameStatuses: Same<AnswerStatus, (typeof DISPUTE_ANSWER_STATUSES)[number]> = true
void sameStatuses

/** POWERTOOLS_METRICS_NAMESPACE (the stack sets it per stage) and the service name come from the environment */
export function createMetrics (): Metrics {
  // outside Lambda (npm start, tests, bench) nothing reads EMF lines: quiet unless asked for
  process.env.POWERTOOLS_METRICS_DISABLED ??= process.env.AWS_LAMBDA_FUNCTION_NAME ? 'false' : 'true'
  return new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'yzt', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'yzt' })
}

export const metrics = createMetrics()

type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES]

export function countMetric (name: MetricName, m: Metrics = metrics): void {
  countMetricBy(name, 1, m)
}

/** `n` at once (what a sweep counted); nothing for 0 */
export function countMetricBy (name: MetricName, n: number, m: Metrics = metrics): void {
  if (n > 0) m.addMetric(name, MetricUnit.Count, n)
}

export type EnterpriseMetricName = 'enterpriseLatency' | 'enterpriseUnavailable' | 'caseItemsOpened' | 'disputesForwarded' | 'disputesDeferred' | 'caseItemsOverdue'

/** one EMF line per enterprise: its own `enterprise` dimension */
export function enterpriseMetric (enterpriseId: string, name: EnterpriseMetricName, value: number, m: Metrics = metrics): void {
  const single = m.singleMetric()
  single.addDimension(ENTERPRISE_DIMENSION, enterpriseId)
  single.addMetric(METRIC_NAMES[name], name === 'enterpriseLatency' ? MetricUnit.Milliseconds : MetricUnit.Count, value)
}

/** per enterprise of a tally, one line each; an enterprise that counted nothing writes nothing */
export function enterpriseCounts (name: EnterpriseMetricName, counts: Record<string, number>, m: Metrics = metrics): void {
  for (const [enterpriseId, n] of Object.entries(counts)) if (n > 0) enterpriseMetric(enterpriseId, name, n, m)
}

/** an accepted answer: dimensions `enterprise` and `status` (the answer's, one of four) */
export function disputeAnswerMetric (enterpriseId: string, status: AnswerStatus, m: Metrics = metrics): void {
  const single = m.singleMetric()
  // one dimension set (service, enterprise, status): addDimensions would start a second set
  single.addDimension(ENTERPRISE_DIMENSION, enterpriseId)
  single.addDimension(STATUS_DIMENSION, status)
  single.addMetric(METRIC_NAMES.disputeAnswers, MetricUnit.Count, 1)
}

/** the end of every invocation: write what was counted (nothing when nothing was) */
export function publishMetrics (m: Metrics = metrics): void {
  if (m.hasStoredMetrics()) m.publishStoredMetrics()
}

/** the gateway, timed per request */
export function timedGateway (gateway: EnterpriseGateway, m: Metrics = metrics): EnterpriseGateway {
  return {
    countAccounts: (enterpriseId, phone, signal) => timed(enterpriseId, () => gateway.countAccounts(enterpriseId, phone, signal)),
    ...(gateway.countAccountsSince && {
      countAccountsSince: (enterpriseId: string, phone: string, since: number, signal: AbortSignal) =>
        timed(enterpriseId, () => gateway.countAccountsSince!(enterpriseId, phone, since, signal))
    })
  }
  async function timed<T> (enterpriseId: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await call()
    } finally {
      enterpriseMetric(enterpriseId, 'enterpriseLatency', Math.round(performance.now() - started), m)
    }
  }
}
