// Every function of the shared declarations (functions/src/infra-shared/functions.ts): its bundle, its
// exact grants, its stream event source with a dead-letter queue, its schedule, its alarms.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as cdk from 'aws-cdk-lib'
import * as events from 'aws-cdk-lib/aws-events'
import * as eventTargets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { TABLES, type TableKey } from '@yzt/functions/infra-shared/tables'
import { environmentFor, type StageSettings } from '@yzt/functions/infra-shared/environment'
import { FUNCTIONS, deployedName, dlqName, type DynamoAction, type FunctionName } from '@yzt/functions/infra-shared/functions'
import type { Alarming } from './alarming'
import type { StageConfig } from './config'
import type { EnterpriseConfiguration } from './enterprises'
import { SMS_PROVIDERS } from './sms'
import { StackPart, uniqueIdWithoutParts } from './stack-part'
import { indexesOf, type Tables } from './tables'

/** the Node line of .node-version, which Lambda also runs */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X

export interface LambdasProps {
  config: StageConfig
  bundlesDir: string
  prefix: string
  removalPolicy: cdk.RemovalPolicy
  logRetention: logs.RetentionDays
  tables: Tables
  enterprises: EnterpriseConfiguration
  alarms: Alarming
}

export class Lambdas extends StackPart {
  readonly byName: Partial<Record<FunctionName, lambda.Function>> = {}
  readonly deadLetterQueues: sqs.Queue[] = []

  constructor (scope: Construct, id: string, { config, bundlesDir, prefix, removalPolicy, logRetention, tables, enterprises, alarms }: LambdasProps) {
    super(scope, id)
    const secretsArn = cdk.Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: config.secretsParameter.replace(/^\//, '') })
    const stageSettings: StageSettings = {
      metricsNamespace: prefix,
      logLevel: config.logLevel,
      secretsParameter: config.secretsParameter,
      smsProvider: config.smsProvider,
      smsSignature: config.smsSignature,
      carrierGateway: config.carrierGateway,
      ...(config.carrierEndpoints && { carrierEndpoints: config.carrierEndpoints }),
      holidays: config.holidays,
      ...(config.callbackBaseUrl && { callbackBaseUrl: config.callbackBaseUrl }),
      enterprisesDocument: enterprises.location,
      tableNames: Object.fromEntries((Object.keys(TABLES) as TableKey[]).map(k => [k, tables.byKey[k].tableName])) as Record<TableKey, string>
    }

    for (const [name, def] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      if ('mockOnly' in def && def.mockOnly && !config.mockEnterprises) continue
      // exactly the variables the definition's flags declare (infra-shared/environment): the code reads no other
      const environment = environmentFor(def, stageSettings)
      const readsSecrets = 'readsSecrets' in def && def.readsSecrets

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
      this.byName[name] = fn
      if ('readsEnterprises' in def && def.readsEnterprises) enterprises.grantTo(fn)

      // exactly the actions the function calls, on that table only
      for (const [key, actions] of Object.entries(def.tables) as [TableKey, readonly DynamoAction[]][]) {
        // not table.grant(): it would add every index too; only Query reads an index, and only the
        // table's declared indexes, by name (no wildcard: a new index is not readable until declared)
        const table = tables.byKey[key]
        const onTable = actions.filter(a => a !== 'Query')
        if (onTable.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: onTable.map(a => `dynamodb:${a}`), resources: [table.tableArn] }))
        if (actions.includes('Query')) {
          const indexes = indexesOf(TABLES[key])
          if (!indexes.length) throw new Error(`${name} declares Query on ${TABLES[key].name}, which has no index`)
          fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes.map(i => `${table.tableArn}/index/${i.name}`) }))
        }
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
        // bound through keepMappingId: the mapping's id names the table by its path, and a new id would replace
        // the mapping (and re-read the stream from its start)
        new DynamoEventSource(tables.byKey[def.streamFrom], {
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
        }).bind(keepMappingId(fn, uniqueIdWithoutParts(tables.byKey[def.streamFrom])))
        alarms.add(`${name}DlqDepth`, dlq.metricApproximateNumberOfMessagesVisible({ period: cdk.Duration.minutes(5), statistic: 'Maximum' }), 1,
          `${name} gave up on stream records; the DLQ message holds the shard and sequence numbers`)
      }
      if ('schedule' in def && def.schedule) {
        new events.Rule(this, `${name}Schedule`, {
          ruleName: `${prefix}-${name}`,
          schedule: events.Schedule.rate(cdk.Duration.minutes(def.schedule.everyMinutes)),
          targets: [new eventTargets.LambdaFunction(fn, { retryAttempts: 2 })]
        })
      }
      alarms.add(`${name}Errors`, fn.metricErrors({ period: cdk.Duration.minutes(5) }), 1, `${name} threw`)
      alarms.add(`${name}Throttles`, fn.metricThrottles({ period: cdk.Duration.minutes(5) }), 1, `${name} was throttled`)
    }
  }
}

/** the function, with DynamoDB event source mappings added under the id they had before the stack was split */
function keepMappingId (fn: lambda.Function, tableUniqueId: string): lambda.Function {
  return new Proxy(fn, {
    get (target, prop, receiver) {
      if (prop !== 'addEventSourceMapping') return Reflect.get(target, prop, receiver) as unknown
      return (id: string, options: lambda.EventSourceMappingOptions) =>
        target.addEventSourceMapping(id.replace(/^DynamoDBEventSource:.*$/, `DynamoDBEventSource:${tableUniqueId}`), options)
    }
  })
}

function bundleDir (bundlesDir: string, name: string): string {
  const dir = path.join(bundlesDir, name)
  if (!fs.existsSync(path.join(dir, 'index.mjs'))) {
    throw new Error(`no bundle at ${dir}/index.mjs: run \`npm run build -w @yzt/functions\` first`)
  }
  return dir
}
