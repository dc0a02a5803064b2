// cdk-nag (AwsSolutions) findings we keep on purpose, each with its reason. Everything else it finds
// is fixed in the stack; infra/test/nag.test.ts fails on any finding not fixed or written down here.
import * as cdk from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import type * as sqs from 'aws-cdk-lib/aws-sqs'

export interface NagScope {
  api: apigwv2.HttpApi
  mockApi?: apigwv2.HttpApi
  functions: readonly lambda.Function[]
  deadLetterQueues: readonly sqs.Queue[]
}

const ack = (scope: IConstruct, id: string, reason: string) => cdk.Validations.of(scope).acknowledge({ id, reason })

export function acknowledgeNagFindings ({ api, mockApi, functions, deadLetterQueues }: NagScope): void {
  ack(api, 'AwsSolutions-APIG4',
    'Public by design: a citizen has no account with us, and the mini-program hosts give no identity the gateway could verify. ' +
    'Abuse is bounded by the per-number and per-source limits inside the functions, the stage throttle and reserved concurrency (SECURITY.md §3).')
  if (mockApi) {
    ack(mockApi, 'AwsSolutions-APIG4',
      'The mocked enterprises (dev only) authenticate every request by its HMAC signature in the function, as a real enterprise endpoint does; ' +
      'an unsigned or stale request is refused there.')
  }
  for (const fn of functions) {
    ack(fn, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs (CreateLogGroup/CreateLogStream/PutLogEvents); ' +
      'every data and secrets grant is an inline policy with exact actions (infra-shared/functions.ts).')
    ack(fn, 'AwsSolutions-L1',
      'The runtime is the project\'s one Node.js LTS line, the same as the esbuild target, `engines` and CI; it moves with them on purpose, ' +
      'not whenever Lambda adds a newer runtime (README, issue 9 §1).')
  }
  for (const dlq of deadLetterQueues) {
    ack(dlq, 'AwsSolutions-SQS3',
      'This queue is the on-failure destination (the DLQ) of a DynamoDB stream event source; cdk-nag does not see that use. ' +
      'It is alarmed and drained by `npm run redrive`.')
  }
}
