// The public HTTP API (the shared route table → the functions) and, in dev stages, the mocked
// enterprises' own API. Both log the route template only (no numbers, no query ids) and are throttled.
import * as cdk from 'aws-cdk-lib'
import * as apigw from 'aws-cdk-lib/aws-apigateway'
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { ROUTES, MOCK_DISPUTES_ROUTE, MOCK_ENTERPRISE_ROUTE, MOCK_NOTICE_ROUTE } from '@yzt/functions/infra-shared/routes'
import type { FunctionName } from '@yzt/functions/infra-shared/functions'
import type { Alarming } from './alarming'
import type { StageConfig } from './config'
import { StackPart } from './stack-part'

/**
 * Per route, requests/s at 1,000 accepted queries/s (docs/CAPACITY.md §6, one line each there) and the
 * burst its legitimate callers may send at once. The prod stage throttles each route at 1.5 × its need
 * (as the functions' reserved concurrency is sized), its burst at least one second of that; per-source
 * and per-caller limits stay in the functions. Every route is listed (a test checks it).
 */
export const ROUTE_NEEDS: Readonly<Record<string, { readonly perSecond: number, readonly burst?: number }>> = {
  // one code request per accepted query (the real ratio is higher: the 1.5 × covers some of it)
  'POST /v1/verification-codes': { perSecond: 1000 },
  'POST /v1/queries': { perSecond: 1000 },
  // the mini-program polls every 2 s: ~2 a query
  'GET /v1/queries/{queryId}': { perSecond: 2000 },
  // ≤ 2 delivery receipts a query (code and result SMS)
  'POST /v1/sms-receipts/{provider}/{token}': { perSecond: 2000 },
  // the enterprise list: the case page and the list page, not the query path
  'GET /v1/enterprises': { perSecond: 100 },
  'GET /v1/openapi.json': { perSecond: 2 },
  // 1 case per 100 queries; its page read a couple of times
  'POST /v1/cases': { perSecond: 10 },
  'GET /v1/cases/{caseId}': { perSecond: 20 },
  // 3 items a case, each answered once (spread over days: an upper bound)
  'POST /v1/enterprise-callbacks/disputes/{itemId}': { perSecond: 30 },
  // carriers: 3 buckets of 2/s, a burst of 60 each (domain/lifecycle.ts CARRIER_RATE)
  'POST /v1/carrier/number-events': { perSecond: 6, burst: 180 },
  'GET /v1/carrier/numbers/{phone}/reissue-readiness': { perSecond: 6, burst: 180 },
  // platforms: 8 buckets of one per 3 s, a burst of 20 each (PLATFORM_RATE)
  'POST /v1/platform/number-checks': { perSecond: 3, burst: 160 },
  'GET /v1/platform/released-numbers': { perSecond: 3, burst: 160 },
  'GET /v1/platform/audit': { perSecond: 3, burst: 160 },
  // 8 confirmations per released number, ~10 releases/s at most
  'POST /v1/enterprise-callbacks/number-events/{eventId}': { perSecond: 80 },
  // the CAMARA check spends the platforms' buckets (PLATFORM_RATE); a token lives an hour, its endpoint
  // has a bucket per (client, source) of 20 (oauth-server.ts TOKEN_RATE); keys and discovery are cached
  'POST /number-recycling/v0.2/check': { perSecond: 3, burst: 160 },
  'POST /oauth/token': { perSecond: 1, burst: 160 },
  'GET /.well-known/jwks.json': { perSecond: 5 },
  'GET /.well-known/openid-configuration': { perSecond: 2 },
  // 查看明细: a holder whose SMS came in the summary form opens it, about 3 in 10 (a 429 is retried)
  'POST /v1/query-details': { perSecond: 300 },
  // binding alerts: opting in like opening a case; 8 enterprises' buckets of 5/s, bursts of 20 and 50
  // (domain/alerts.ts BINDING_EVENTS_RATE, SUBSCRIPTIONS_RATE)
  'POST /v1/binding-alerts': { perSecond: 10 },
  'POST /v1/enterprise-events/bindings': { perSecond: 40, burst: 160 },
  'GET /v1/enterprise-sync/binding-subscriptions': { perSecond: 40, burst: 400 }
}

/** the prod throttle of one route: 1.5 × its need, a burst of at least one second of it and of its callers' own bursts */
export function routeThrottle (need: { perSecond: number, burst?: number }): { rateLimit: number, burstLimit: number } {
  const rateLimit = Math.ceil(need.perSecond * 1.5)
  return { rateLimit, burstLimit: Math.max(rateLimit, need.burst ?? 0, 20) }
}

interface ApiProps {
  config: StageConfig
  prefix: string
  removalPolicy: cdk.RemovalPolicy
  logRetention: logs.RetentionDays
}

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

export class PublicApi extends StackPart {
  readonly api: apigwv2.HttpApi

  constructor (scope: Construct, id: string, props: ApiProps & { functions: Partial<Record<FunctionName, lambda.IFunction>>, alarms: Alarming }) {
    super(scope, id)
    const { config, prefix, removalPolicy, logRetention } = props
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy })
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${prefix}-api`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: corsOrigins(config),
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.OPTIONS],
        // authorization: GET /v1/cases/{caseId} takes the case's access token as a bearer token
        allowHeaders: ['content-type', 'authorization'],
        maxAge: cdk.Duration.days(1)
      }
    })
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: accessLogFormat() }
    })
    for (const route of ROUTES) {
      const added = this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.fn}Integration`, props.functions[route.fn]!)
      })
      // a route setting names a route that must exist first
      stage.node.addDependency(...added)
    }
    if (config.stage === 'prod') {
      // each route at its share of 1,000 queries/s (the stage default stays the bound of anything unlisted)
      ;(stage.node.defaultChild as apigwv2.CfnStage).routeSettings = Object.fromEntries(ROUTES.map(route => {
        const key = `${route.method} ${route.path}`
        const need = ROUTE_NEEDS[key]
        if (!need) throw new Error(`no throttle for ${key}: add it to ROUTE_NEEDS (docs/CAPACITY.md §6)`)
        const { rateLimit, burstLimit } = routeThrottle(need)
        // RouteSettings is free-form JSON in CloudFormation: written as the template spells it
        return [key, { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }]
      }))
    }
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: stage.metricServerError({ statistic: 'Sum' }),
        requests: stage.metricCount({ statistic: 'Sum' })
      },
      period: cdk.Duration.minutes(5),
      label: '5xx %'
    })
    props.alarms.add('Api5xxRate', serverErrorRate, 5, 'more than 5% of API requests answered 5xx')
  }
}

/** every route of the mocked enterprises' own API, all to the one mock function */
export const MOCK_ROUTES = [MOCK_ENTERPRISE_ROUTE, MOCK_NOTICE_ROUTE, MOCK_DISPUTES_ROUTE] as const

export class MockEnterprisesApi extends StackPart {
  readonly api: apigwv2.HttpApi

  constructor (scope: Construct, id: string, { config, prefix, removalPolicy, logRetention }: ApiProps) {
    super(scope, id)
    this.api = new apigwv2.HttpApi(this, 'MockEnterprisesApi', { apiName: `${prefix}-mock-enterprises`, createDefaultStage: false })
    // public like any HTTP API: the throttle caps what a stranger can spend on it
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(new logs.LogGroup(this, 'MockApiAccessLogs', { retention: logRetention, removalPolicy })),
        format: accessLogFormat()
      }
    })
  }

  /** where the enterprise configuration points every demo enterprise */
  get endpointTemplate (): string {
    return this.api.apiEndpoint + MOCK_ENTERPRISE_ROUTE.path.replace(/\{[^}]+\}/, '{id}')
  }

  /** account counts, release notices and disputes to the mock function, which calls back to the stage's API */
  serve (mockFn: lambda.Function, stageApiUrl: string): void {
    const integration = new HttpLambdaIntegration('MockEnterpriseIntegration', mockFn)
    for (const route of MOCK_ROUTES) this.api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration })
    mockFn.addEnvironment('YZT_API_URL', stageApiUrl)
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
