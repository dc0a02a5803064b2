// The SMS sender is chosen by configuration (SMS_PROVIDER). Amazon SNS cannot send SMS from the AWS
// China regions, so a mainland provider (Aliyun, Tencent Cloud SMS, …) is expected later: add its
// name here with the permissions its sender needs (typically reading its API credentials from SSM),
// and the matching sender in functions/src/adapters. Only 'sns' exists today.
import * as cdk from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'

export const SMS_PROVIDERS = {
  sns: (grantee: iam.IGrantable) => {
    // Publishing to a phone number has no resource ARN, so IAM only accepts Resource "*".
    // NotResource on every topic ARN keeps that "*" from also allowing publishes to any SNS topic.
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'],
      notResources: [`arn:${cdk.Aws.PARTITION}:sns:*:*:*`]
    }))
  }
} satisfies Record<string, (grantee: iam.IGrantable) => void>

export type SmsProvider = keyof typeof SMS_PROVIDERS
