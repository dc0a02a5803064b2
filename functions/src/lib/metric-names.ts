// The metric names the functions write and the stack's dashboard and alarms read
// (infra/lib/observability.ts): a renamed metric is a blind alarm, so both sides take them from here.
// Dimensions are only ever `service`, an enterprise id and an answer's status: never a number, an
// item or case id, a ticket or a note.
export const METRIC_NAMES = {
  queriesAccepted: 'QueriesAccepted',
  smsSent: 'SmsSent',
  smsFailed: 'SmsFailed',
  /** per enterprise (dimension `enterprise`), one per request, retries included */
  enterpriseLatency: 'EnterpriseLatency',
  /** per enterprise and query: 1 when its apps read 暂无法查询, else 0 — the average is the unavailability */
  enterpriseUnavailable: 'EnterpriseUnavailable',
  /** one per case opened (a repeat under the same Idempotency-Key opens none) */
  casesOpened: 'CasesOpened',
  /** per enterprise: the items of the cases opened that went to it */
  caseItemsOpened: 'CaseItemsOpened',
  /** per enterprise: disputes it took (202), by the stream consumer or the sweep's retry */
  disputesForwarded: 'DisputesForwarded',
  /** per enterprise: delivery runs that ended without its 202 (all tries failed); the sweep tries again */
  disputesDeferred: 'DisputesDeferred',
  /** per enterprise: items the sweep marked OVERDUE (a deadline missed) */
  caseItemsOverdue: 'CaseItemsOverdue',
  /** per enterprise and answer status (dimension `status`): accepted answers */
  disputeAnswers: 'DisputeAnswers',
  /** disputes whose clear number the sweep dropped after an hour without a 202 */
  disputesDropped: 'DisputesDropped'
} as const

export const ENTERPRISE_DIMENSION = 'enterprise'
export const STATUS_DIMENSION = 'status'
/** the statuses an enterprise may answer with (DisputeCallback in contract/disputes.ts) */
export const DISPUTE_ANSWER_STATUSES = ['ACKNOWLEDGED', 'NEEDS_USER_ACTION', 'RESOLVED', 'REJECTED'] as const
