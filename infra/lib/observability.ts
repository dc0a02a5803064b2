// What the functions count (EMF, functions/src/lib/metrics.ts) on one dashboard, and an alarm per
// enterprise when it stops answering. Self-contained: it needs the alarm topic, the namespace the
// functions write to and the enterprise ids of the configuration.
import * as cdk from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions'
import type * as sns from 'aws-cdk-lib/aws-sns'
import { Construct } from 'constructs'
import { ENTERPRISE_DIMENSION, METRIC_NAMES } from '@yzt/functions/lib/metric-names'

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
  readonly enterpriseAlarms: Record<string, cloudwatch.Alarm> = {}

  constructor (scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id)
    const period = cdk.Duration.minutes(5)
    const metric = (metricName: string, statistic: string, enterprise?: string) => new cloudwatch.Metric({
      namespace: props.namespace,
      metricName,
      statistic,
      period,
      dimensionsMap: enterprise ? { service: props.service, [ENTERPRISE_DIMENSION]: enterprise } : { service: props.service }
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
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.prefix,
      defaultInterval: cdk.Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Queries accepted', left: [metric(METRIC_NAMES.queriesAccepted, 'Sum')], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'SMS sent / failed', left: [metric(METRIC_NAMES.smsSent, 'Sum')], right: [metric(METRIC_NAMES.smsFailed, 'Sum')], width: 8 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Enterprises', alarms: Object.values(this.enterpriseAlarms), width: 8 })
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
        ]
      ]
    })
  }
}
