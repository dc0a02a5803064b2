// The SMS sender is chosen by configuration (SMS_PROVIDER): the permissions each provider's sender
// needs beyond what every function has. Amazon SNS cannot send SMS from the AWS China regions; the
// mainland providers (Aliyun, Tencent Cloud SMS) are reached over HTTPS with their own API keys, which
// live in the secrets parameter every function may already read, so they need no AWS permission.
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
  },
  aliyun: () => {},
  tencent: () => {}
} satisfies Record<string, (grantee: iam.IGrantable) => void>

export type SmsProvider = keyof typeof SMS_PROVIDERS
