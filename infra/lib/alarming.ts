// The stage's alarm topic (e-mailed when configured) and every alarm on it.
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions'
import * as sns from 'aws-cdk-lib/aws-sns'
import * as snsSubs from 'aws-cdk-lib/aws-sns-subscriptions'
import type { Construct } from 'constructs'
import { StackPart } from './stack-part'

export class Alarming extends StackPart {
  readonly topic: sns.Topic

  constructor (scope: Construct, id: string, private readonly props: { prefix: string, email?: string }) {
    super(scope, id)
    this.topic = new sns.Topic(this, 'Alarms', { topicName: `${props.prefix}-alarms`, enforceSSL: true })
    if (props.email) this.topic.addSubscription(new snsSubs.EmailSubscription(props.email))
  }

  /** alarm at or above the threshold in one period; missing data is not a breach */
  add (id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    new cloudwatch.Alarm(this, id, {
      alarmName: `${this.props.prefix}-${id}`,
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
    }).addAlarmAction(new cwActions.SnsAction(this.topic))
  }
}
