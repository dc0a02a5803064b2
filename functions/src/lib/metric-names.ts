// The metric names the functions write and the stack's dashboard and alarms read
// (infra/lib/observability.ts): a renamed metric is a blind alarm, so both sides take them from here.
export const METRIC_NAMES = {
  queriesAccepted: 'QueriesAccepted',
  smsSent: 'SmsSent',
  smsFailed: 'SmsFailed',
  /** per enterprise (dimension `enterprise`), one per request, retries included */
  enterpriseLatency: 'EnterpriseLatency',
  /** per enterprise and query: 1 when its apps read 暂无法查询, else 0 — the average is the unavailability */
  enterpriseUnavailable: 'EnterpriseUnavailable'
} as const

export const ENTERPRISE_DIMENSION = 'enterprise'
