import { Match } from 'aws-cdk-lib/assertions'
import { CASES_DUE_INDEX, TABLES, type TableDefinition, type TableKey } from '@yzt/functions/infra-shared/tables'
import { FUNCTIONS, type FunctionName } from '@yzt/functions/infra-shared/functions'
import { ROUTES, MOCK_DISPUTES_ROUTE, MOCK_ENTERPRISE_ROUTE } from '@yzt/functions/infra-shared/routes'
import { DEV_SECRETS } from '@yzt/functions/adapters/secrets'
import { functionId, logicalId, PROD_ENDPOINTS, resourcesOfType, SECRETS_PARAMETER, synth, type Synthesized } from './support/synth'

const dev = synth({ h5Origin: 'https://h5.example.com' })
const prod = synth({ stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS })

/** the enterprise configuration document the stack deploys (prod: no tokens in it) */
const enterpriseDocument = (s: Synthesized) => JSON.parse(documentVersion(s).Properties.Content)
/** the one AppConfig hosted configuration version: the enterprise configuration document */
const documentVersion = (s: Synthesized) => {
  const versions = resourcesOfType(s, 'AWS::AppConfig::HostedConfigurationVersion')
  expect(versions).toHaveLength(1)
  return versions[0]![1]
}

const entries = <K extends string, V>(o: Record<K, V>) => Object.entries(o) as [K, V][]
const streamConsumers = entries(FUNCTIONS).filter(([, def]) => 'streamFrom' in def)
const tableId = (s: Synthesized, key: TableKey) => logicalId(s, s.stack.tables[key])

interface Statement { Effect: string, Action: string | string[], Resource?: unknown, NotResource?: unknown, Condition?: unknown }
/** every IAM statement attached to a function's role */
function statementsOf (s: Synthesized, name: FunctionName): Statement[] {
  const role = s.json.Resources[functionId(s, name)]!.Properties.Role['Fn::GetAtt'][0]
  return resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
}
const actions = (st: Statement) => [st.Action].flat()

/** the Lambda function (logical id) a route on the given API invokes */
function routeTarget (s: Synthesized, apiId: string, routeKey: string): string {
  const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey && r.Properties.ApiId.Ref === apiId)
  expect(routes).toHaveLength(1)
  const integrationId = routes[0]![1].Properties.Target['Fn::Join'][1][1].Ref
  const integration = s.json.Resources[integrationId]!.Properties
  expect(integration.IntegrationType).toBe('AWS_PROXY')
  expect(integration.PayloadFormatVersion).toBe('2.0')
  const fn = integration.IntegrationUri['Fn::GetAtt']
  expect(fn[1]).toBe('Arn')
  // API Gateway may invoke it from this route
  expect(resourcesOfType(s, 'AWS::Lambda::Permission').some(([, p]) =>
    JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fn[0], 'Arn'] }) &&
    JSON.stringify(p.Properties.SourceArn).includes(routeKey.split(' ')[1]!))).toBe(true)
  return fn[0]
}
/** statements whose resources include the table itself (its stream ARN is a separate attribute) */
const onTable = (sts: Statement[], id: string) =>
  sts.filter(st => JSON.stringify(st.Resource ?? null).includes(`"Fn::GetAtt":["${id}","Arn"]`))

describe('tables', () => {
  test.each(entries(TABLES))('%s matches its shared definition', (key, def) => {
    const table = dev.json.Resources[tableId(dev, key)]!
    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable')
    const p = table.Properties
    expect(p.TableName).toBe(`yzt-dev-${def.name}`)
    expect(p.KeySchema).toEqual([{ AttributeName: def.partitionKey, KeyType: 'HASH' }])
    const indexes = (def as TableDefinition).indexes ?? []
    // every key is a string, except an index's sort key, which is a number (epoch ms)
    expect(p.AttributeDefinitions).toEqual([
      { AttributeName: def.partitionKey, AttributeType: 'S' },
      ...indexes.flatMap(i => [
        { AttributeName: i.partitionKey, AttributeType: 'S' },
        ...(i.sortKey === undefined ? [] : [{ AttributeName: i.sortKey, AttributeType: 'N' }])
      ])
    ])
    // keys-only indexes: no number or text is copied into an index
    expect(p.GlobalSecondaryIndexes).toEqual(indexes.length ? indexes.map(i => ({
      IndexName: i.name,
      KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, ...(i.sortKey === undefined ? [] : [{ AttributeName: i.sortKey, KeyType: 'RANGE' }])],
      Projection: { ProjectionType: 'KEYS_ONLY' }
    })) : undefined)
    expect(p.BillingMode).toBe('PAY_PER_REQUEST')
    expect(p.TimeToLiveSpecification).toEqual('ttlAttribute' in def ? { AttributeName: def.ttlAttribute, Enabled: true } : undefined)
    expect(p.StreamSpecification).toEqual('stream' in def ? { StreamViewType: def.stream } : undefined)
    expect(p.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: 'pointInTimeRecovery' in def })
  })

  test('Cases: the sparse due index, a string shard and a number time, keys only', () => {
    const p = prod.json.Resources[tableId(prod, 'cases')]!.Properties
    expect(p.TableName).toBe('yzt-prod-Cases')
    expect(p.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }])
    expect(p.GlobalSecondaryIndexes).toEqual([{
      IndexName: 'byDueAt',
      KeySchema: [{ AttributeName: 'dueShard', KeyType: 'HASH' }, { AttributeName: 'dueAt', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'KEYS_ONLY' }
    }])
    expect(CASES_DUE_INDEX).toBe('byDueAt')
    expect(p.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'dueShard', AttributeType: 'S' }, { AttributeName: 'dueAt', AttributeType: 'N' }
    ])
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true })
    expect(p.StreamSpecification).toBeUndefined()
    expect(p.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false })
  })

  test('DisputeOutbox: a keys-only stream (the record is the message; the clear number stays in the row), TTL, no backup', () => {
    const p = prod.json.Resources[tableId(prod, 'disputes')]!.Properties
    expect(p.TableName).toBe('yzt-prod-DisputeOutbox')
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' })
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true })
    expect(p.GlobalSecondaryIndexes).toBeUndefined()
    expect(p.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false })
  })

  test('point-in-time recovery on Subscribers only: no table that holds a clear number or SMS text, even for seconds, is backed up', () => {
    const backedUp = (s: Synthesized) => resourcesOfType(s, 'AWS::DynamoDB::GlobalTable')
      .filter(([, t]) => t.Properties.Replicas.some((r: any) => r.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled))
      .map(([, t]) => t.Properties.TableName)
    expect(backedUp(prod)).toEqual(['yzt-prod-Subscribers'])
    expect(backedUp(dev)).toEqual(['yzt-dev-Subscribers'])
    // nor any other backup: no AWS Backup plan, no on-demand backup resource
    for (const type of ['AWS::Backup::BackupPlan', 'AWS::Backup::BackupSelection', 'AWS::Backup::BackupVault']) prod.template.resourceCountIs(type, 0)
  })

  test('no table exists that the shared definitions do not declare', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(TABLES).length)
    dev.template.resourceCountIs('AWS::DynamoDB::Table', 0)
  })

  test('prod tables are retained and deletion-protected; dev tables are not', () => {
    for (const [, table] of resourcesOfType(prod, 'AWS::DynamoDB::GlobalTable')) {
      expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain'])
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true)
    }
    for (const [, table] of resourcesOfType(dev, 'AWS::DynamoDB::GlobalTable')) {
      expect(table.DeletionPolicy).toBe('Delete')
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false)
    }
  })

  test('prod keeps its logs for months; dev for a week', () => {
    const retention = (s: Synthesized) => resourcesOfType(s, 'AWS::Logs::LogGroup').map(([, g]) => [g.Properties.RetentionInDays, g.DeletionPolicy])
    expect(new Set(retention(prod).map(String))).toEqual(new Set(['90,Retain']))
    expect(new Set(retention(dev).map(String))).toEqual(new Set(['7,Delete']))
  })
})

describe('functions', () => {
  test.each(entries(FUNCTIONS))('%s runs Node.js 24 on arm64 with its own sizing and environment', (name, def) => {
    const s = 'mockOnly' in def ? dev : prod
    const p = s.json.Resources[functionId(s, name)]!.Properties
    expect(p).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: def.memoryMb,
      Timeout: def.timeoutSeconds
    })
    const env = p.Environment.Variables
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'yzt',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps'
    })
    expect(env.SECRETS_PARAMETER).toBe('readsSecrets' in def ? SECRETS_PARAMETER : undefined)
    for (const key of Object.keys(TABLES) as TableKey[]) {
      if (key in def.tables) expect(env[TABLES[key].envVar]).toEqual({ Ref: tableId(s, key) })
      else expect(env[TABLES[key].envVar]).toBeUndefined()
    }
    expect(env.SMS_PROVIDER).toBe('sendsSms' in def ? 'sns' : undefined)
    expect(env.CARRIER_GATEWAY).toBe('checksCarrier' in def ? 'table' : undefined)
    const [[profileId]] = resourcesOfType(s, 'AWS::AppConfig::ConfigurationProfile')
    expect(env.ENTERPRISES_APPCONFIG_PROFILE).toEqual('readsEnterprises' in def ? { Ref: profileId } : undefined)
    expect(env.ENTERPRISES_APPCONFIG_APPLICATION).toEqual('readsEnterprises' in def ? { Ref: logicalId(s, s.stack.enterprises.application) } : undefined)
    expect(env.ENTERPRISES_APPCONFIG_ENVIRONMENT).toEqual('readsEnterprises' in def ? { Ref: logicalId(s, s.stack.enterprises.environment) } : undefined)
    // neither stage names holidays or a callback base URL here: nobody gets them
    expect(env.HOLIDAYS).toBeUndefined()
    expect(env.CALLBACK_BASE_URL).toBeUndefined()
  })

  test('the mocked enterprises deploy in dev only, and dev points the enterprise client at them', () => {
    const mockFn = entries(FUNCTIONS).filter(([, def]) => 'mockOnly' in def).map(([name]) => name)
    expect(mockFn).toEqual([MOCK_ENTERPRISE_ROUTE.fn])
    expect(() => functionId(prod, MOCK_ENTERPRISE_ROUTE.fn)).toThrow(/found 0/)
    prod.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1)

    expect(enterpriseDocument(prod).endpointTemplate).toBe(PROD_ENDPOINTS)

    const mockApi = logicalId(dev, dev.stack.mockApi!)
    const devValue = documentVersion(dev).Properties.Content['Fn::Join'][1]
    expect(devValue).toContainEqual({ 'Fn::GetAtt': [mockApi, 'ApiEndpoint'] })
    expect(devValue.at(-1)).toMatch(/^\/enterprises\/\{id\}\/account-counts"\}$/)
    expect(routeTarget(dev, mockApi, `${MOCK_ENTERPRISE_ROUTE.method} ${MOCK_ENTERPRISE_ROUTE.path}`)).toBe(functionId(dev, MOCK_ENTERPRISE_ROUTE.fn))
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: mockApi },
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }
    })
  })
})

describe('HTTP API', () => {
  const apiId = logicalId(dev, dev.stack.api)

  test.each(ROUTES.map(r => [`${r.method} ${r.path}`, r.fn] as const))('%s reaches %s', (routeKey, fn) => {
    expect(routeTarget(dev, apiId, routeKey)).toBe(functionId(dev, fn))
  })

  test('the API has exactly the shared routes', () => {
    const onApi = resourcesOfType(dev, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId.Ref === apiId)
    expect(onApi.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map(r => `${r.method} ${r.path}`).sort())
  })

  test('the resolution-case routes: open a case, read it with its token, the enterprises\' signed callback', () => {
    expect(routeTarget(dev, apiId, 'POST /v1/cases')).toBe(functionId(dev, 'createCase'))
    expect(routeTarget(dev, apiId, 'GET /v1/cases/{caseId}')).toBe(functionId(dev, 'getCase'))
    expect(routeTarget(dev, apiId, 'POST /v1/enterprise-callbacks/disputes/{itemId}')).toBe(functionId(dev, 'disputeCallback'))
  })

  test('no function behind the API is told the API\'s URL (a circular dependency): it reads the host from the request', () => {
    const behind = new Set(ROUTES.map(r => functionId(dev, r.fn)))
    for (const id of behind) {
      expect(JSON.stringify(dev.json.Resources[id]!.Properties.Environment.Variables)).not.toContain(apiId)
    }
  })

  test('CORS: GET, POST and preflight; the content-type and authorization (the case token) headers, nothing else', () => {
    const cors = dev.json.Resources[apiId]!.Properties.CorsConfiguration
    expect(cors.AllowMethods).toEqual(['GET', 'POST', 'OPTIONS'])
    expect(cors.AllowHeaders).toEqual(['content-type', 'authorization'])
    expect(cors.AllowCredentials).toBeUndefined()
    expect(cors.MaxAge).toBe(86400)
  })

  test('CORS admits the mini-program hosts and the configured H5 origin only', () => {
    const cors = dev.json.Resources[apiId]!.Properties.CorsConfiguration
    expect(cors.AllowOrigins).toEqual(expect.arrayContaining(['https://servicewechat.com', 'https://h5.example.com']))
    expect(cors.AllowOrigins).not.toContain('*')
    expect(synth({ alipayAppId: '2021000000000000' }).json.Resources[apiId]!.Properties.CorsConfiguration.AllowOrigins)
      .toContain('https://2021000000000000.hybrid.alipay-eco.com')
  })

  test('the stage is throttled and access-logged without paths, query strings or bodies', () => {
    const stage = resourcesOfType(dev, 'AWS::ApiGatewayV2::Stage').find(([, s]) => s.Properties.ApiId.Ref === apiId)![1].Properties
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })
    const format = JSON.parse(stage.AccessLogSettings.Format)
    expect(format.route).toBe('$context.routeKey')
    expect(stage.AccessLogSettings.Format).not.toMatch(/\$context\.path|querystring|\$input|\$request\.body/i)
  })

  test('outputs hold the API URL for TARO_APP_API_BASE', () => {
    expect(dev.json.Outputs.ApiUrl.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] })
    expect(JSON.stringify(dev.json.Outputs.MiniProgramBuild.Value)).toContain('TARO_APP_API_BASE=')
  })
})

describe('streams', () => {
  test.each(streamConsumers)('%s gets INSERTs only, with partial batch failures, bisect, bounded retries and a DLQ', (name, def) => {
    const mappings = resourcesOfType(prod, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName.Ref === functionId(prod, name))
    expect(mappings).toHaveLength(1)
    const m = mappings[0]![1].Properties
    expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId(prod, (def as { streamFrom: TableKey }).streamFrom), 'StreamArn'] })
    expect(m.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([{ eventName: ['INSERT'] }])
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures'])
    expect(m.BisectBatchOnFunctionError).toBe(true)
    expect(m.MaximumRetryAttempts).toBeGreaterThanOrEqual(0)
    expect(m.MaximumRetryAttempts).toBeLessThanOrEqual(5)
    // sized from the shared definition, as the local poller is
    const consumer = (def as { consumer: { batchSize: number, parallelizationFactor: number, retryAttempts: number, maxRecordAgeSeconds: number } }).consumer
    expect(m.BatchSize).toBe(consumer.batchSize)
    expect(m.ParallelizationFactor).toBe(consumer.parallelizationFactor)
    expect(m.MaximumRetryAttempts).toBe(consumer.retryAttempts)
    expect(m.MaximumRecordAgeInSeconds).toBe(consumer.maxRecordAgeSeconds)
    const dlq = m.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]
    expect(prod.json.Resources[dlq]!.Type).toBe('AWS::SQS::Queue')
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }]
    })
  })

  test.each(streamConsumers)('%s has the reserved concurrency of its shared definition, enough for every shard\'s parallel batches', (name, def) => {
    const { reservedConcurrency, consumer } = def as { reservedConcurrency: number, consumer: { parallelizationFactor: number } }
    expect(prod.json.Resources[functionId(prod, name)]!.Properties.ReservedConcurrentExecutions).toBe(reservedConcurrency)
    // at least four shards' worth, or Lambda throttles the event source itself
    expect(reservedConcurrency).toBeGreaterThanOrEqual(4 * consumer.parallelizationFactor)
  })

  test('nothing else is stream-triggered', () => {
    prod.template.resourceCountIs('AWS::Lambda::EventSourceMapping', streamConsumers.length)
    expect(streamConsumers.map(([name]) => name)).toEqual(['processQuery', 'dispatchSms', 'notifyEnterprises', 'forwardDispute', 'sendBindingAlerts'])
  })

  test('forwardDispute: INSERTs of DisputeOutbox, 25 a batch (a whole case), 2 batches a shard, 3 retries, given up after an hour (the clear number\'s bound)', () => {
    const mappings = resourcesOfType(prod, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName.Ref === functionId(prod, 'forwardDispute'))
    expect(mappings).toHaveLength(1)
    expect(mappings[0]![1].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId(prod, 'disputes'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
      ParallelizationFactor: 2,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures']
    })
    expect(prod.json.Resources[functionId(prod, 'forwardDispute')]!.Properties.ReservedConcurrentExecutions).toBe(10)
    const dlq = mappings[0]![1].Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]
    expect(prod.json.Resources[dlq]!.Properties.QueueName).toBe('yzt-prod-forwardDispute-dlq')
  })
})

describe('permissions', () => {
  const deployed = entries(FUNCTIONS)

  test('no IAM statement grants a wildcard action', () => {
    const all = resourcesOfType(dev, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
    const tableIds = (Object.keys(TABLES) as TableKey[]).map(k => tableId(dev, k))
    // the check below must have table statements to look at
    expect(tableIds.every(id => onTable(all, id).length > 0)).toBe(true)
    for (const st of all) for (const action of actions(st)) expect(action).not.toContain('*')
  })

  // The exact DynamoDB actions each function calls (read from its code), per table. Stated here by
  // hand, not derived from the declarations: a declaration that grows fails this test until a
  // reviewer agrees and writes the new action here.
  const EXACT: Record<FunctionName, Partial<Record<TableKey, string[]>>> = {
    sendCode: { subscribers: ['BatchGetItem'], codes: ['PutItem'], limits: ['BatchGetItem', 'PutItem', 'UpdateItem'], outbox: ['PutItem'] },
    submitQuery: { subscribers: ['BatchGetItem'], codes: ['DeleteItem', 'UpdateItem'], limits: ['BatchGetItem', 'DeleteItem', 'PutItem', 'UpdateItem'], queries: ['PutItem'] },
    getQuery: { queries: ['GetItem'] },
    listEnterprises: {},
    getOpenApi: {},
    processQuery: { queries: ['UpdateItem'], outbox: ['PutItem'], codes: ['PutItem'], enterpriseHealth: ['BatchGetItem', 'DeleteItem', 'PutItem'], lifecycle: ['BatchGetItem'] },
    dispatchSms: { outbox: ['UpdateItem'], queries: ['UpdateItem'] },
    smsReceipt: { outbox: ['Query', 'UpdateItem'], queries: ['UpdateItem'] },
    carrierEvents: {
      callerLedger: ['GetItem', 'PutItem'], lifecycle: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], subscribers: ['PutItem', 'UpdateItem'],
      notices: ['BatchGetItem', 'PutItem'], alertSubscriptions: ['BatchWriteItem', 'DeleteItem', 'GetItem']
    },
    platformChecks: { callerLedger: ['BatchGetItem', 'GetItem', 'PutItem', 'Query'], lifecycle: ['BatchGetItem', 'Query', 'UpdateItem'] },
    camaraNumberRecycling: { callerLedger: ['GetItem', 'PutItem'], lifecycle: ['BatchGetItem', 'UpdateItem'] },
    oauthServer: { callerLedger: ['GetItem', 'PutItem'] },
    notifyEnterprises: { notices: ['GetItem', 'UpdateItem'] },
    noticeCallback: { callerLedger: ['PutItem'], notices: ['GetItem', 'UpdateItem'] },
    lifecycleSweep: { notices: ['GetItem', 'Query', 'UpdateItem'] },
    sweepStuck: { queries: ['Query', 'UpdateItem'], outbox: ['Query', 'UpdateItem'] },
    createCase: {
      subscribers: ['BatchGetItem'],
      codes: ['DeleteItem', 'UpdateItem'],
      limits: ['BatchGetItem', 'DeleteItem', 'PutItem', 'UpdateItem'],
      queries: ['GetItem', 'UpdateItem'],
      cases: ['PutItem'],
      disputes: ['PutItem'],
      outbox: ['PutItem']
    },
    getCase: { cases: ['GetItem'] },
    queryDetails: { limits: ['GetItem', 'PutItem', 'UpdateItem'], codes: ['GetItem'], queries: ['GetItem'] },
    forwardDispute: { disputes: ['DeleteItem', 'GetItem'], cases: ['UpdateItem'] },
    disputeCallback: { callerLedger: ['PutItem'], cases: ['GetItem', 'PutItem'], limits: ['DeleteItem'], outbox: ['PutItem'] },
    sweepCases: { cases: ['GetItem', 'PutItem', 'Query', 'UpdateItem'], disputes: ['DeleteItem', 'GetItem', 'Scan'], outbox: ['PutItem'] },
    mockEnterprise: {},
    setBindingAlerts: {
      subscribers: ['GetItem'],
      codes: ['DeleteItem', 'UpdateItem'],
      limits: ['DeleteItem', 'GetItem', 'UpdateItem'],
      alertSubscriptions: ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem'],
      outbox: ['PutItem']
    },
    bindingEvents: { callerLedger: ['GetItem', 'PutItem'], alertSubscriptions: ['BatchGetItem'], bindingEvents: ['PutItem'] },
    bindingSubscriptions: { callerLedger: ['GetItem', 'PutItem'], alertSubscriptions: ['Query'] },
    sendBindingAlerts: { bindingEvents: ['BatchGetItem', 'UpdateItem'], alertSubscriptions: ['BatchGetItem', 'ConditionCheckItem', 'PutItem'], outbox: ['PutItem'] },
    sweepBindingAlerts: { bindingEvents: ['BatchGetItem', 'Query', 'UpdateItem'], alertSubscriptions: ['BatchGetItem', 'ConditionCheckItem', 'PutItem'], outbox: ['PutItem'] }
  }
  const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']

  test.each(deployed)('%s is granted exactly the DynamoDB actions it calls, on exactly its tables', (name, def) => {
    const sts = statementsOf(dev, name)
    const granted: Partial<Record<TableKey, string[]>> = {}
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const onIt = onTable(sts, tableId(dev, key))
      // tables themselves only (CDK merges equal action lists over several tables into one statement), no
      // wildcard; an index only for Query, the one action that reads one
      const tableArns = (Object.keys(TABLES) as TableKey[]).map(k => JSON.stringify({ 'Fn::GetAtt': [tableId(dev, k), 'Arn'] }))
      // an index by its declared name, never index/* (one statement may list the indexes of several tables)
      const indexArns = (Object.keys(TABLES) as TableKey[]).flatMap(k => ((TABLES[k] as TableDefinition).indexes ?? [])
        .map(i => JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(dev, k), 'Arn'] }, `/index/${i.name}`]] })))
      for (const st of onIt) {
        for (const r of [st.Resource].flat()) {
          const index = JSON.stringify(r).includes('/index/')
          if (index) {
            expect(actions(st)).toEqual(['dynamodb:Query'])
            expect(indexArns).toContain(JSON.stringify(r))
          } else expect(tableArns).toContain(JSON.stringify(r))
        }
      }
      const actionsOnIt = [...new Set(onIt.flatMap(actions))].sort()
      if (actionsOnIt.length) granted[key] = actionsOnIt.map(a => a.replace(/^dynamodb:/, ''))
    }
    expect(granted).toEqual(EXACT[name])
    // every other DynamoDB action in the role: the stream read Lambda's event source needs, nothing else
    const elsewhere = sts.filter(st => !(Object.keys(TABLES) as TableKey[]).some(k => onTable([st], tableId(dev, k)).length))
      .flatMap(actions).filter(a => a.startsWith('dynamodb:'))
    expect([...new Set(elsewhere)].sort()).toEqual('streamFrom' in def ? STREAM_READ : [])
  })

  test('every deployed function has its exact action set stated', () => {
    expect(Object.keys(EXACT).sort()).toEqual(Object.keys(FUNCTIONS).sort())
  })

  test.each(deployed)('%s can send SMS only if declared, and only to phone numbers', (name, def) => {
    const publish = statementsOf(dev, name).filter(st => actions(st).includes('sns:Publish'))
    if (!('sendsSms' in def)) {
      expect(publish).toEqual([])
    } else {
      expect(publish).toHaveLength(1)
      expect(publish[0]!.Resource).toBeUndefined()
      expect(JSON.stringify(publish[0]!.NotResource)).toContain(':sns:*:*:*')
    }
  })

  test('only the functions that read it may read the one secrets parameter, by name', () => {
    const readers = deployed.filter(([, def]) => 'readsSecrets' in def).map(([name]) => name)
    expect(readers.sort()).toEqual([
      'bindingEvents', 'bindingSubscriptions', 'camaraNumberRecycling', 'carrierEvents', 'createCase', 'dispatchSms', 'disputeCallback', 'forwardDispute',
      'lifecycleSweep', 'mockEnterprise', 'noticeCallback', 'notifyEnterprises', 'oauthServer', 'platformChecks', 'processQuery', 'queryDetails',
      'sendBindingAlerts', 'sendCode', 'setBindingAlerts', 'smsReceipt', 'submitQuery', 'sweepBindingAlerts', 'sweepCases'
    ])
    for (const [name] of deployed) {
      const get = statementsOf(dev, name).filter(st => actions(st).some(a => a.startsWith('ssm:') || a.startsWith('kms:')))
      // a function that reads no secret reads no parameter (the enterprise configuration is AppConfig's: enterprises.test.ts)
      if (!readers.includes(name)) { expect(get).toEqual([]); continue }
      expect(get.flatMap(actions)).toEqual(['ssm:GetParameter'])
      const resources = [get[0]!.Resource].flat().map(r => JSON.stringify(r))
      expect(resources).toEqual([expect.stringMatching(/:parameter\/yzt\/test\/secrets"/)])
    }
    const kms = synth({ secretsKmsKeyArn: 'arn:aws:kms:ap-east-1:111122223333:key/abc' })
    const decrypt = statementsOf(kms, 'sendCode').find(st => actions(st).includes('kms:Decrypt'))!
    expect(decrypt.Resource).toBe('arn:aws:kms:ap-east-1:111122223333:key/abc')
    expect(JSON.stringify(decrypt.Condition)).toContain('kms:ViaService')
    expect(statementsOf(kms, 'getQuery').filter(st => actions(st).includes('kms:Decrypt'))).toEqual([])
  })
})

test('dev: the mocked enterprises take release notices and disputes beside account counts, and confirm to this stage\'s API', () => {
  const mockApi = logicalId(dev, dev.stack.mockApi!)
  const routes = resourcesOfType(dev, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId.Ref === mockApi).map(([, r]) => r.Properties.RouteKey as string)
  expect(routes.sort()).toEqual([
    'POST /enterprises/{enterpriseId}/account-counts', 'POST /enterprises/{enterpriseId}/disputes', 'POST /enterprises/{enterpriseId}/number-events'
  ])
  expect(`${MOCK_DISPUTES_ROUTE.method} ${MOCK_DISPUTES_ROUTE.path}`).toBe('POST /enterprises/{enterpriseId}/disputes')
  for (const routeKey of routes) expect(routeTarget(dev, mockApi, routeKey)).toBe(functionId(dev, 'mockEnterprise'))
  const mockFn = dev.json.Resources[functionId(dev, 'mockEnterprise')]!
  expect(JSON.stringify(mockFn.Properties.Environment.Variables.YZT_API_URL)).toContain(logicalIdOfApi(dev))
})

function logicalIdOfApi (s: typeof dev): string {
  return resourcesOfType(s, 'AWS::ApiGatewayV2::Api').map(([id, r]) => [id, r.Properties.Name as string]).find(([, name]) => !String(name).includes('mock'))![0]!
}

describe('scheduled functions', () => {
  const scheduled = entries(FUNCTIONS).filter(([, def]) => 'schedule' in def)

  test('the sweeps are declared; the clear-data one runs often enough that no clear number outlives 20 minutes', () => {
    expect(scheduled.map(([name]) => name)).toEqual(['sweepStuck', 'lifecycleSweep', 'sweepCases', 'sweepBindingAlerts'])
  })

  test('the case sweep (deadlines, batched SMS, undelivered disputes) runs every 5 minutes', () => {
    const rules = resourcesOfType(prod, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets).includes(functionId(prod, 'sweepCases')))
    expect(rules).toHaveLength(1)
    expect(rules[0]![1].Properties).toMatchObject({ Name: 'yzt-prod-sweepCases', ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' })
  })

  test.each(scheduled)('%s runs on an EventBridge rate rule', (name, def) => {
    const rules = resourcesOfType(prod, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets).includes(functionId(prod, name)))
    expect(rules).toHaveLength(1)
    const everyMinutes = (def as { schedule: { everyMinutes: number } }).schedule.everyMinutes
    expect(rules[0]![1].Properties.ScheduleExpression).toBe(`rate(${everyMinutes} minutes)`)
    expect(rules[0]![1].Properties.State).toBe('ENABLED')
    expect(resourcesOfType(prod, 'AWS::Lambda::Permission').some(([, p]) =>
      p.Properties.Principal === 'events.amazonaws.com' && JSON.stringify(p.Properties.FunctionName).includes(functionId(prod, name)))).toBe(true)
  })

  test('nothing else is scheduled', () => {
    prod.template.resourceCountIs('AWS::Events::Rule', scheduled.length)
  })
})

describe('reserved concurrency', () => {
  test.each(entries(FUNCTIONS).filter(([, def]) => !('mockOnly' in def)))('%s in prod: its declared reservation, or none', (name, def) => {
    const p = prod.json.Resources[functionId(prod, name)]!.Properties
    expect(p.ReservedConcurrentExecutions).toBe('reservedConcurrency' in def ? def.reservedConcurrency : undefined)
  })

  test('the query path holds what 1,000 queries/s needs, × 1.5 (docs/CAPACITY.md §4–5)', () => {
    const reserved = (name: FunctionName) => prod.json.Resources[functionId(prod, name)]!.Properties.ReservedConcurrentExecutions
    expect(Object.fromEntries((['sendCode', 'submitQuery', 'getQuery', 'smsReceipt', 'processQuery', 'dispatchSms'] as const).map(n => [n, reserved(n)])))
      .toEqual({ sendCode: 75, submitQuery: 150, getQuery: 60, smsReceipt: 60, processQuery: 100, dispatchSms: 45 })
  })

  test('all reservations together fit an account quota of 1,000, with the 100 Lambda keeps unreserved', () => {
    const total = resourcesOfType(prod, 'AWS::Lambda::Function').reduce((sum, [, fn]) => sum + (fn.Properties.ReservedConcurrentExecutions ?? 0), 0)
    // 562 + the CAMARA check (10) and its OAuth server (5) + binding alerts: setBindingAlerts 10, bindingEvents 10,
    // bindingSubscriptions 5, sendBindingAlerts 10 + queryDetails 10
    expect(total).toBe(622)
    expect(total).toBeLessThanOrEqual(1000 - 100)
  })

  test('the public routes each hold a reservation, so a flood on one cannot starve the others or the account', () => {
    for (const route of ROUTES) expect(FUNCTIONS[route.fn]).toHaveProperty('reservedConcurrency')
  })

  test('dev reserves nothing unless asked (a new account has no concurrency to spare)', () => {
    for (const [, fn] of resourcesOfType(dev, 'AWS::Lambda::Function')) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined()
    const asked = synth({ reservedConcurrency: 'true' })
    expect(asked.json.Resources[functionId(asked, 'sendCode')]!.Properties.ReservedConcurrentExecutions).toBe(FUNCTIONS.sendCode.reservedConcurrency)
  })
})

describe('secrets', () => {
  test.each([['dev', dev], ['prod', prod]] as const)('no secret value is in the %s template', (_, s) => {
    const text = JSON.stringify(s.json)
    // the local development values, the only ones that exist in the repository
    expect(text).not.toContain(DEV_SECRETS.pepper)
    expect(text).not.toContain(DEV_SECRETS.enterpriseKey)
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 0)
    // the stack writes no parameter: the enterprise configuration (plain text, public in nature) is AppConfig's
    expect(resourcesOfType(s, 'AWS::SSM::Parameter')).toEqual([])
    const allowed = new Set(['YZT_API_URL', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS', 'SECRETS_PARAMETER',
      'SMS_PROVIDER', 'SMS_SIGNATURE', 'ENTERPRISES_APPCONFIG_APPLICATION', 'ENTERPRISES_APPCONFIG_ENVIRONMENT', 'ENTERPRISES_APPCONFIG_PROFILE', 'CARRIER_GATEWAY', 'CARRIER_ENDPOINTS', 'HOLIDAYS', 'CALLBACK_BASE_URL', ...Object.values(TABLES).map(t => t.envVar)])
    for (const [, fn] of resourcesOfType(s, 'AWS::Lambda::Function')) {
      for (const key of Object.keys(fn.Properties.Environment.Variables)) expect(allowed).toContain(key)
    }
  })
})

describe('alarms', () => {
  test.each(entries(FUNCTIONS))('%s alarms on errors and throttles', name => {
    for (const metric of ['Errors', 'Throttles']) {
      dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(dev, name) } }],
        AlarmActions: [Match.anyValue()]
      })
    }
  })

  test('the API alarms on its 5xx rate', () => {
    const alarms = resourcesOfType(prod, 'AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(a.Properties.Metrics ?? []).includes('"5xx"'))
    expect(alarms).toHaveLength(1)
    expect(alarms[0]![1].Properties.Threshold).toBe(5)
  })
})

describe('holidays and the callback base URL', () => {
  const s = synth({ stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS, holidays: '2027-02-05,2027-01-01', callbackBaseUrl: 'https://api.yzt.example' })
  const deployed = entries(FUNCTIONS).filter(([, def]) => !('mockOnly' in def))
  const envOf = (name: FunctionName) => s.json.Resources[functionId(s, name)]!.Properties.Environment.Variables

  test('only the functions that compute working-day deadlines get the holidays: carrierEvents (release notices) and createCase (resolve-by)', () => {
    const got = deployed.filter(([name]) => envOf(name).HOLIDAYS !== undefined).map(([name]) => name)
    expect(got).toEqual(['carrierEvents', 'createCase'])
    expect(got).toEqual(deployed.filter(([, def]) => 'countsWorkingDays' in def).map(([name]) => name))
    for (const name of got) expect(envOf(name).HOLIDAYS).toBe('2027-01-01,2027-02-05')
  })

  test('only createCase gets the callback base URL, as a plain string (no reference to the API it sits behind)', () => {
    const got = deployed.filter(([name]) => envOf(name).CALLBACK_BASE_URL !== undefined).map(([name]) => name)
    expect(got).toEqual(['createCase'])
    expect(got).toEqual(deployed.filter(([, def]) => 'givesCallbackUrl' in def).map(([name]) => name))
    expect(envOf('createCase').CALLBACK_BASE_URL).toBe('https://api.yzt.example')
  })

  test('settings add environment variables only: the resources are the same as without them', () => {
    const ids = (x: Synthesized) => Object.keys(x.json.Resources).sort()
    expect(ids(s)).toEqual(ids(prod))
  })
})

describe('carrier check', () => {
  test('with carrierGateway=http the functions that check ask the carriers’ endpoints; the others know nothing of them', () => {
    const endpoints = { cmcc: 'https://rn.cmcc.example/check', cbn: 'https://rn.cbn.example/check' }
    const s = synth({ carrierGateway: 'http', carrierEndpoints: JSON.stringify(endpoints) })
    for (const [name, def] of entries(FUNCTIONS)) {
      const env = s.json.Resources[functionId(s, name)]!.Properties.Environment.Variables
      expect([name, env.CARRIER_GATEWAY, env.CARRIER_ENDPOINTS && JSON.parse(env.CARRIER_ENDPOINTS)])
        .toEqual('checksCarrier' in def ? [name, 'http', endpoints] : [name, undefined, undefined])
    }
  })
})
