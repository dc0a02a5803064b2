// The whole back end of one stage. Tables, functions and routes come from the declarations in
// functions/src/infra-shared (the local runtime reads the same ones), so this file only decides
// how they run on AWS.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as cdk from 'aws-cdk-lib'
import * as apigw from 'aws-cdk-lib/aws-apigateway'
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as events from 'aws-cdk-lib/aws-events'
import * as eventTargets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as sns from 'aws-cdk-lib/aws-sns'
import * as snsSubs from 'aws-cdk-lib/aws-sns-subscriptions'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { TABLES, type TableKey } from '@yzt/functions/infra-shared/tables'
import { FUNCTIONS, deployedName, dlqName, type DynamoAction, type FunctionName } from '@yzt/functions/infra-shared/functions'
import { ROUTES, MOCK_ENTERPRISE_ROUTE, MOCK_NOTICE_ROUTE } from '@yzt/functions/infra-shared/routes'
import type { StageConfig } from './config'
import { EnterpriseConfiguration } from './enterprises'
import { acknowledgeNagFindings } from './nag-acknowledgements'
import { Observability } from './observability'
import { SMS_PROVIDERS } from './sms'

/** the Node line of .node-version, which Lambda also runs */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X

/** where `npm run build -w @yzt/functions` writes one folder per function */
export const DEFAULT_BUNDLES_DIR = path.resolve(__dirname, '../../functions/dist')

/**
 * Native mini-program requests are not subject to CORS (the platforms check their own request-domain
 * allowlists instead); these origins matter for the H5 build and for pages the platforms render as web.
 */
export function corsOrigins (config: StageConfig): string[] {
  return [
    'https://servicewechat.com',
    // Alipay serves each mini-program from its own host
    ...(config.alipayAppId ? [`https://${config.alipayAppId}.hybrid.alipay-eco.com`] : []),
    ...(config.h5Origin ? [config.h5Origin] : [])
  ]
}

export interface YztStackProps extends cdk.StackProps {
  readonly config: StageConfig
  readonly bundlesDir?: string
}

export class YztStack extends cdk.Stack {
  readonly functions: Partial<Record<FunctionName, lambda.Function>> = {}
  readonly tables = {} as Record<TableKey, dynamodb.TableV2>
  readonly api: apigwv2.HttpApi
  readonly mockApi?: apigwv2.HttpApi
  readonly enterprises: EnterpriseConfiguration
  readonly deadLetterQueues: sqs.Queue[] = []

  constructor (scope: Construct, id: string, props: YztStackProps) {
    super(scope, id, props)
    const { config } = props
    const bundlesDir = props.bundlesDir ?? DEFAULT_BUNDLES_DIR
    const prod = config.stage === 'prod'
    const prefix = `yzt-${config.stage}`
    const removalPolicy = prod ? cdk.RemovalPolicy.RETAIN : cdk.RemovalPolicy.DESTROY
    const logRetention = prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK
    cdk.Tags.of(this).add('app', 'yzt')
    cdk.Tags.of(this).add('stage', config.stage)

    const alarmTopic = new sns.Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true })
    if (config.alarmEmail) alarmTopic.addSubscription(new snsSubs.EmailSubscription(config.alarmEmail))
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      new cloudwatch.Alarm(this, id, {
        alarmName: `${prefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
      }).addAlarmAction(new cwActions.SnsAction(alarmTopic))
    }

    // ---- tables
    for (const [key, def] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      this.tables[key] = new dynamodb.TableV2(this, def.name, {
        tableName: `${prefix}-${def.name}`,
        partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        timeToLiveAttribute: 'ttlAttribute' in def ? def.ttlAttribute : undefined,
        dynamoStream: 'stream' in def ? dynamodb.StreamViewType[def.stream] : undefined,
        globalSecondaryIndexes: ('indexes' in def ? def.indexes : []).map(i => ({
          indexName: i.name, partitionKey: { name: i.partitionKey, type: dynamodb.AttributeType.STRING }, projectionType: dynamodb.ProjectionType.KEYS_ONLY
        })),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: 'pointInTimeRecovery' in def && def.pointInTimeRecovery },
        deletionProtection: prod,
        removalPolicy
      })
    }

    // ---- functions
    const secretsArn = this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: config.secretsParameter.replace(/^\//, '') })
    const mockApi = this.mockApi = config.mockEnterprises
      ? new apigwv2.HttpApi(this, 'MockEnterprisesApi', { apiName: `${prefix}-mock-enterprises`, createDefaultStage: false })
      : undefined
    // public like any HTTP API: the throttle caps what a stranger can spend on it
    mockApi?.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(new logs.LogGroup(this, 'MockApiAccessLogs', { retention: logRetention, removalPolicy })),
        format: accessLogFormat()
      }
    })
    const enterprises = this.enterprises = new EnterpriseConfiguration(this, 'Enterprises', {
      parameterName: `/yzt/${config.stage}/enterprises`,
      document: {
        ...config.enterprises,
        endpointTemplate: mockApi
          ? mockApi.apiEndpoint + MOCK_ENTERPRISE_ROUTE.path.replace(/\{[^}]+\}/, '{id}')
          : config.enterprises.endpointTemplate ?? config.enterpriseEndpointTemplate
      }
    })

    for (const [name, def] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      if ('mockOnly' in def && def.mockOnly && !config.mockEnterprises) continue
      const environment: Record<string, string> = {
        YZT_STAGE: config.stage,
        POWERTOOLS_SERVICE_NAME: 'yzt',
        POWERTOOLS_METRICS_NAMESPACE: prefix,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps'
      }
      const readsSecrets = 'readsSecrets' in def && def.readsSecrets
      // the name only: functions fetch and decrypt the value at run time, with caching
      if (readsSecrets) environment.SECRETS_PARAMETER = config.secretsParameter
      // declared without secrets: the function builds the store runtime only, and may start without the parameter
      else environment.YZT_SECRETS = 'none'
      for (const key of Object.keys(def.tables) as TableKey[]) environment[TABLES[key].envVar] = this.tables[key].tableName
      if ('checksCarrier' in def && def.checksCarrier) {
        environment.CARRIER_GATEWAY = config.carrierGateway
        if (config.carrierEndpoints) environment.CARRIER_ENDPOINTS = JSON.stringify(config.carrierEndpoints)
      }
      if ('sendsSms' in def && def.sendsSms) {
        environment.SMS_PROVIDER = config.smsProvider
        environment.SMS_SIGNATURE = config.smsSignature
      }

      const fn = new lambda.Function(this, `${name}Fn`, {
        functionName: deployedName(config.stage, name),
        runtime: LAMBDA_RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(bundleDir(bundlesDir, name)),
        memorySize: def.memoryMb,
        timeout: cdk.Duration.seconds(def.timeoutSeconds),
        environment,
        reservedConcurrentExecutions: config.reservedConcurrency && 'reservedConcurrency' in def ? def.reservedConcurrency : undefined,
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logRetention, removalPolicy })
      })
      this.functions[name] = fn
      if ('readsEnterprises' in def && def.readsEnterprises) enterprises.grantTo(fn)

      // exactly the actions the function calls, on that table only
      for (const [key, actions] of Object.entries(def.tables) as [TableKey, readonly DynamoAction[]][]) {
        // not table.grant(): it would add every index too; only Query reads an index
        const table = this.tables[key]
        const onTable = actions.filter(a => a !== 'Query')
        if (onTable.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: onTable.map(a => `dynamodb:${a}`), resources: [table.tableArn] }))
        if (actions.includes('Query')) fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/*`] }))
      }
      if (readsSecrets) fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [secretsArn] }))
      if (readsSecrets && config.secretsKmsKeyArn) {
        fn.addToRolePolicy(new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [config.secretsKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${cdk.Aws.REGION}.amazonaws.com` } }
        }))
      }
      if ('sendsSms' in def && def.sendsSms) SMS_PROVIDERS[config.smsProvider](fn)

      if ('streamFrom' in def && def.streamFrom) {
        const dlq = new sqs.Queue(this, `${name}Dlq`, {
          queueName: dlqName(config.stage, name),
          retentionPeriod: cdk.Duration.days(14),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true
        })
        this.deadLetterQueues.push(dlq)
        fn.addEventSource(new DynamoEventSource(this.tables[def.streamFrom], {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          // the record is the message: only new items start work; updates and TTL deletes would replay it
          filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
          // sized in functions.ts (the local poller reads the same numbers)
          batchSize: def.consumer.batchSize,
          parallelizationFactor: def.consumer.parallelizationFactor,
          maxRecordAge: cdk.Duration.seconds(def.consumer.maxRecordAgeSeconds),
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: def.consumer.retryAttempts,
          onFailure: new SqsDlq(dlq)
        }))
        alarm(`${name}DlqDepth`, dlq.metricApproximateNumberOfMessagesVisible({ period: cdk.Duration.minutes(5), statistic: 'Maximum' }), 1,
          `${name} gave up on stream records; the DLQ message holds the shard and sequence numbers`)
      }
      if ('schedule' in def && def.schedule) {
        new events.Rule(this, `${name}Schedule`, {
          ruleName: `${prefix}-${name}`,
          schedule: events.Schedule.rate(cdk.Duration.minutes(def.schedule.everyMinutes)),
          targets: [new eventTargets.LambdaFunction(fn, { retryAttempts: 2 })]
        })
      }
      alarm(`${name}Errors`, fn.metricErrors({ period: cdk.Duration.minutes(5) }), 1, `${name} threw`)
      alarm(`${name}Throttles`, fn.metricThrottles({ period: cdk.Duration.minutes(5) }), 1, `${name} was throttled`)
    }

    // ---- HTTP API
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy })
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${prefix}-api`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: corsOrigins(config),
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.OPTIONS],
        allowHeaders: ['content-type'],
        maxAge: cdk.Duration.days(1)
      }
    })
    const apiStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: accessLogFormat()
      }
    })
    for (const route of ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.fn}Integration`, this.functions[route.fn]!)
      })
    }
    if (mockApi) {
      const mockFn = this.functions[MOCK_ENTERPRISE_ROUTE.fn]!
      const integration = new HttpLambdaIntegration('MockEnterpriseIntegration', mockFn)
      mockApi.addRoutes({ path: MOCK_ENTERPRISE_ROUTE.path, methods: [apigwv2.HttpMethod[MOCK_ENTERPRISE_ROUTE.method]], integration })
      mockApi.addRoutes({ path: MOCK_NOTICE_ROUTE.path, methods: [apigwv2.HttpMethod[MOCK_NOTICE_ROUTE.method]], integration })
      // the mocks confirm release notices to this stage's API
      mockFn.addEnvironment('YZT_API_URL', this.api.apiEndpoint)
    }

    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: apiStage.metricServerError({ statistic: 'Sum' }),
        requests: apiStage.metricCount({ statistic: 'Sum' })
      },
      period: cdk.Duration.minutes(5),
      label: '5xx %'
    })
    alarm('Api5xxRate', serverErrorRate, 5, 'more than 5% of API requests answered 5xx')

    new Observability(this, 'Observability', {
      prefix,
      namespace: prefix,
      service: 'yzt',
      enterpriseIds: config.enterprises.enterprises.map(e => (e as { id: string }).id),
      alarmTopic
    })
    acknowledgeNagFindings({ api: this.api, mockApi, functions: Object.values(this.functions), deadLetterQueues: this.deadLetterQueues })

    // ---- outputs
    new cdk.CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'TARO_APP_API_BASE for the mini-program build' })
    new cdk.CfnOutput(this, 'MiniProgramBuild', { value: `TARO_APP_API_BASE=${this.api.apiEndpoint} npm run build:weapp` })
    new cdk.CfnOutput(this, 'RequestDomain', {
      value: `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      description: 'add to the mini-program request-domain allowlist (WeChat 服务器域名 / Alipay 服务器域名白名单)'
    })
    new cdk.CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn })
    if (mockApi) new cdk.CfnOutput(this, 'MockEnterprisesUrl', { value: mockApi.apiEndpoint })
  }
}

/** route key (the template, not the concrete path) and no query string or body: no phone numbers, no query ids */
function accessLogFormat (): apigw.AccessLogFormat {
  return apigw.AccessLogFormat.custom(JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    route: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    ip: '$context.identity.sourceIp'
  }))
}

function bundleDir (bundlesDir: string, name: string): string {
  const dir = path.join(bundlesDir, name)
  if (!fs.existsSync(path.join(dir, 'index.mjs'))) {
    throw new Error(`no bundle at ${dir}/index.mjs: run \`npm run build -w @yzt/functions\` first`)
  }
  return dir
}
