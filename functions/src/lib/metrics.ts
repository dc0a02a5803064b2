// Business metrics as CloudWatch embedded metric format (EMF) lines: no API call, CloudWatch reads them
// from the function's log.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { EnterpriseGateway } from '#ports'
import { ENTERPRISE_DIMENSION, METRIC_NAMES } from './metric-names'

export { ENTERPRISE_DIMENSION, METRIC_NAMES }

/** POWERTOOLS_METRICS_NAMESPACE (the stack sets it per stage) and the service name come from the environment */
export function createMetrics (): Metrics {
  // outside Lambda (npm start, tests, bench) nothing reads EMF lines: quiet unless asked for
  process.env.POWERTOOLS_METRICS_DISABLED ??= process.env.AWS_LAMBDA_FUNCTION_NAME ? 'false' : 'true'
  return new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'yzt', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'yzt' })
}

export const metrics = createMetrics()

export function countMetric (name: (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES], m: Metrics = metrics): void {
  m.addMetric(name, MetricUnit.Count, 1)
}

/** one EMF line per enterprise: its own `enterprise` dimension */
export function enterpriseMetric (enterpriseId: string, name: 'enterpriseLatency' | 'enterpriseUnavailable', value: number, m: Metrics = metrics): void {
  const single = m.singleMetric()
  single.addDimension(ENTERPRISE_DIMENSION, enterpriseId)
  single.addMetric(METRIC_NAMES[name], name === 'enterpriseLatency' ? MetricUnit.Milliseconds : MetricUnit.Count, value)
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
