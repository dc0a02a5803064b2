// What the functions count (EMF, functions/src/lib/metrics.ts) on one dashboard, and alarms per
// enterprise when it stops answering queries, misses a case deadline or stops taking disputes.
// Self-contained: it needs the alarm topic, the namespace the functions write to and the enterprise
// ids of the configuration.
import * as cdk from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions'
import type * as sns from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { FUNCTIONS } from '@yzt/functions/infra-shared/functions'
import { DISPUTE_ANSWER_STATUSES, ENTERPRISE_DIMENSION, METRIC_NAMES, STATUS_DIMENSION } from '@yzt/functions/lib/metric-names'

export interface ObservabilityProps {
  readonly prefix: string
  /** POWERTOOLS_METRICS_NAMESPACE of the functions */
  readonly namespace: string
  /** POWERTOOLS_SERVICE_NAME: Powertools adds it as a dimension to every metric */
  readonly service: string
  readonly enterpriseIds: readonly string[]
  readonly alarmTopic: sns.ITopic
  /** share of queries in which an enterprise was 暂无法查询, over three 5-minute periods in a row */
  readonly unavailabilityThreshold?: number
}

export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard
  /** per enterprise: 暂无法查询 in most queries */
  readonly enterpriseAlarms: Record<string, cloudwatch.Alarm> = {}
  /** per enterprise: a case item past its deadline; disputes it does not take */
  readonly caseAlarms: Record<string, { overdue: cloudwatch.Alarm, deferred: cloudwatch.Alarm }> = {}

  constructor (scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id)
    const period = cdk.Duration.minutes(5)
    // the case sweep's schedule: it retries every undelivered dispute once a run
    const sweepMinutes = FUNCTIONS.sweepCases.schedule.everyMinutes
    const metric = (metricName: string, statistic: string, enterprise?: string, dimensions: Record<string, string> = {}) => new cloudwatch.Metric({
      namespace: props.namespace,
      metricName,
      statistic,
      period,
      dimensionsMap: { service: props.service, ...(enterprise && { [ENTERPRISE_DIMENSION]: enterprise }), ...dimensions }
    })

    for (const enterprise of props.enterpriseIds) {
      const alarm = new cloudwatch.Alarm(this, `Unavailable-${enterprise}`, {
        alarmName: `${props.prefix}-enterprise-${enterprise}-unavailable`,
        alarmDescription: `${enterprise} answered no account counts (暂无法查询) in more than ${Math.round(100 * (props.unavailabilityThreshold ?? 0.5))}% of queries for 15 minutes`,
        metric: metric(METRIC_NAMES.enterpriseUnavailable, 'Average', enterprise),
        threshold: props.unavailabilityThreshold ?? 0.5,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // no queries, no evidence either way
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
      })
      alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic))
      this.enterpriseAlarms[enterprise] = alarm

      // Any item marked OVERDUE is a deadline the enterprise missed (acknowledge within 24 h, resolve
      // within 5 working days) and the person was sent its hotline: there is no harmless number of
      // them, so one is enough. Summed over a day: the alarm stays up for the day the item went late,
      // however the sweep's runs fell, and goes back to OK by itself.
      const overdue = new cloudwatch.Alarm(this, `Overdue-${enterprise}`, {
        alarmName: `${props.prefix}-enterprise-${enterprise}-cases-overdue`,
        alarmDescription: `${enterprise} let a resolution case item pass its deadline (OVERDUE) in the last 24 hours`,
        metric: metric(METRIC_NAMES.caseItemsOverdue, 'Sum', enterprise).with({ period: cdk.Duration.days(1) }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
      })
      // A deferral is a delivery run that ended without the enterprise's 202 after all its tries with
      // backoff, so a blip alone does not make one. An undelivered dispute is tried again by every
      // sweep (every sweepMinutes, the alarm's period) until its clear number is dropped at one hour: an
      // enterprise that takes disputes again clears it within a run or two, one that does not defers
      // in every period. Disputes are one per case item, far fewer than queries: a threshold above
      // zero would wait for a volume that may never come, so any deferral counts as high: 3 periods in a row (15 minutes today) is three sweeps' worth of failed tries, and leaves
      // the operator most of the hour before the disputes are dropped undelivered.
      const deferred = new cloudwatch.Alarm(this, `DisputesDeferred-${enterprise}`, {
        alarmName: `${props.prefix}-enterprise-${enterprise}-disputes-deferred`,
        alarmDescription: `${enterprise} did not take forwarded disputes (no 202 after every try) for ${3 * sweepMinutes} minutes; undelivered disputes are dropped after an hour`,
        metric: metric(METRIC_NAMES.disputesDeferred, 'Sum', enterprise).with({ period: cdk.Duration.minutes(sweepMinutes) }),
        threshold: 0,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // no disputes, no evidence either way
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
      })
      for (const a of [overdue, deferred]) a.addAlarmAction(new cwActions.SnsAction(props.alarmTopic))
      this.caseAlarms[enterprise] = { overdue, deferred }
    }
    const perEnterprise = (name: string, statistic: string) => props.enterpriseIds.map(e => metric(name, statistic, e).with({ label: e }))
    // one line per status over all enterprises (SUM ignores an enterprise with no answer in a period)
    const answers = DISPUTE_ANSWER_STATUSES.map(status => new cloudwatch.MathExpression({
      expression: `SUM([${props.enterpriseIds.map((_, i) => `${status.toLowerCase()}${i}`).join(', ')}])`,
      usingMetrics: Object.fromEntries(props.enterpriseIds.map((e, i) => [`${status.toLowerCase()}${i}`, metric(METRIC_NAMES.disputeAnswers, 'Sum', e, { [STATUS_DIMENSION]: status })])),
      label: status,
      period
    }))

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.prefix,
      defaultInterval: cdk.Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Queries accepted', left: [metric(METRIC_NAMES.queriesAccepted, 'Sum')], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'SMS sent / failed', left: [metric(METRIC_NAMES.smsSent, 'Sum')], right: [metric(METRIC_NAMES.smsFailed, 'Sum')], width: 8 }),
          new cloudwatch.AlarmStatusWidget({
            title: 'Enterprises',
            alarms: [...Object.values(this.enterpriseAlarms), ...Object.values(this.caseAlarms).flatMap(a => [a.overdue, a.deferred])],
            width: 8
          })
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Enterprise latency p95 (ms)',
            left: props.enterpriseIds.map(e => metric(METRIC_NAMES.enterpriseLatency, 'p95', e).with({ label: e })),
            width: 12
          }),
          new cloudwatch.GraphWidget({
            title: 'Enterprise unavailability (share of queries)',
            left: props.enterpriseIds.map(e => metric(METRIC_NAMES.enterpriseUnavailable, 'Average', e).with({ label: e })),
            leftYAxis: { min: 0, max: 1 },
            width: 12
          })
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Cases opened; items per enterprise (right)',
            left: [metric(METRIC_NAMES.casesOpened, 'Sum').with({ label: 'cases' }), metric(METRIC_NAMES.disputesDropped, 'Sum').with({ label: 'disputes dropped undelivered' })],
            right: perEnterprise(METRIC_NAMES.caseItemsOpened, 'Sum'),
            width: 6
          }),
          new cloudwatch.GraphWidget({
            title: 'Disputes forwarded; deferred (right) per enterprise',
            left: perEnterprise(METRIC_NAMES.disputesForwarded, 'Sum'),
            right: perEnterprise(METRIC_NAMES.disputesDeferred, 'Sum'),
            width: 6
          }),
          new cloudwatch.GraphWidget({ title: 'Case items overdue per enterprise', left: perEnterprise(METRIC_NAMES.caseItemsOverdue, 'Sum'), width: 6 }),
          new cloudwatch.GraphWidget({ title: 'Dispute answers by status', left: answers, width: 6 })
        ]
      ]
    })
  }
}
