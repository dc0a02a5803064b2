// The whole back end of one stage, composed of its parts. Tables, functions and routes come from the
// declarations in functions/src/infra-shared (the local runtime reads the same ones), so the parts only
// decide how they run on AWS. The parts are left out of logical ids: every resource keeps the id it
// had before the stack was split, so nothing is replaced on deploy (test/logical-ids.test.ts).
import * as path from 'node:path'
import * as cdk from 'aws-cdk-lib'
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2'
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import type * as sns from 'aws-cdk-lib/aws-sns'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import type { TableKey } from '@yzt/functions/infra-shared/tables'
import type { FunctionName } from '@yzt/functions/infra-shared/functions'
import { MOCK_ENTERPRISE_ROUTE } from '@yzt/functions/infra-shared/routes'
import { Alarming } from './alarming'
import { MockEnterprisesApi, PublicApi } from './apis'
import type { StageConfig } from './config'
import { EnterpriseConfiguration } from './enterprises'
import { Lambdas } from './lambdas'
import { acknowledgeNagFindings } from './nag-acknowledgements'
import { Observability } from './observability'
import { logicalIdWithoutParts } from './stack-part'
import { Tables } from './tables'

export { corsOrigins } from './apis'
export { LAMBDA_RUNTIME } from './lambdas'

/** where `npm run build -w @yzt/functions` writes one folder per function */
export const DEFAULT_BUNDLES_DIR = path.resolve(__dirname, '../../functions/dist')

export interface YztStackProps extends cdk.StackProps {
  readonly config: StageConfig
  readonly bundlesDir?: string
}

export class YztStack extends cdk.Stack {
  readonly functions: Partial<Record<FunctionName, lambda.Function>>
  readonly tables: Record<TableKey, dynamodb.TableV2>
  readonly api: apigwv2.HttpApi
  readonly mockApi?: apigwv2.HttpApi
  readonly enterprises: EnterpriseConfiguration
  readonly deadLetterQueues: sqs.Queue[]
  readonly alarmTopic: sns.Topic

  constructor (scope: Construct, id: string, props: YztStackProps) {
    super(scope, id, props)
    const { config } = props
    const prod = config.stage === 'prod'
    const prefix = `yzt-${config.stage}`
    const removalPolicy = prod ? cdk.RemovalPolicy.RETAIN : cdk.RemovalPolicy.DESTROY
    const logRetention = prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK
    const kept = { prefix, removalPolicy, logRetention }
    cdk.Tags.of(this).add('app', 'yzt')
    cdk.Tags.of(this).add('stage', config.stage)

    const alarms = new Alarming(this, 'Alarming', { prefix, email: config.alarmEmail })
    this.alarmTopic = alarms.topic
    const tables = new Tables(this, 'Storage', { prefix, prod, removalPolicy })
    this.tables = tables.byKey
    const mocks = config.mockEnterprises ? new MockEnterprisesApi(this, 'MockEnterprises', { config, ...kept }) : undefined
    this.mockApi = mocks?.api
    const enterprises = this.enterprises = new EnterpriseConfiguration(this, 'Enterprises', {
      prefix,
      stage: config.stage,
      document: {
        ...config.enterprises,
        endpointTemplate: mocks ? mocks.endpointTemplate : config.enterprises.endpointTemplate ?? config.enterpriseEndpointTemplate
      }
    })
    const lambdas = new Lambdas(this, 'Compute', {
      config, bundlesDir: props.bundlesDir ?? DEFAULT_BUNDLES_DIR, ...kept, tables, enterprises, alarms
    })
    this.functions = lambdas.byName
    this.deadLetterQueues = lambdas.deadLetterQueues
    this.api = new PublicApi(this, 'PublicApi', { config, ...kept, functions: this.functions, alarms }).api
    mocks?.serve(this.functions[MOCK_ENTERPRISE_ROUTE.fn]!, this.api.apiEndpoint)

    new Observability(this, 'Observability', {
      prefix,
      namespace: prefix,
      service: 'yzt',
      enterpriseIds: config.enterprises.enterprises.map(e => (e as { id: string }).id),
      alarmTopic: alarms.topic
    })
    acknowledgeNagFindings({ api: this.api, mockApi: this.mockApi, functions: Object.values(this.functions), deadLetterQueues: this.deadLetterQueues })

    // ---- outputs
    new cdk.CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'TARO_APP_API_BASE for the mini-program build' })
    new cdk.CfnOutput(this, 'MiniProgramBuild', { value: `TARO_APP_API_BASE=${this.api.apiEndpoint} npm run build:weapp` })
    new cdk.CfnOutput(this, 'RequestDomain', {
      value: `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      description: 'add to the mini-program request-domain allowlist (WeChat 服务器域名 / Alipay 服务器域名白名单)'
    })
    new cdk.CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn })
    if (this.mockApi) new cdk.CfnOutput(this, 'MockEnterprisesUrl', { value: this.mockApi.apiEndpoint })
  }

  /** the parts are left out of logical ids: a resource keeps the id it had before the split */
  protected override allocateLogicalId (element: cdk.CfnElement): string {
    return logicalIdWithoutParts(this, element)
  }
}
