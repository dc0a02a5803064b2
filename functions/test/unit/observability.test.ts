// Lambda context on every log line, and the business metrics as EMF lines CloudWatch can read.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { countMetric, createMetrics, enterpriseMetric, METRIC_NAMES, publishMetrics, timedGateway } from '../../src/lib/metrics'
import type * as CreateCase from '../../src/handlers/create-case'
import type * as DisputeCallback from '../../src/handlers/dispute-callback'
import type * as ForwardDispute from '../../src/handlers/forward-dispute'
import type * as SweepCases from '../../src/handlers/sweep-cases'

/** JSON lines written to stdout: Powertools' own console in Lambda, the global one under POWERTOOLS_DEV */
function capture (): { lines: () => Record<string, unknown>[], restore: () => void } {
  const chunks: string[] = []
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true }),
    ...(['log', 'info', 'warn', 'error'] as const).map(level => jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { chunks.push(String(args[0])) }))
  ]
  // one entry per write or console call (POWERTOOLS_DEV pretty-prints over several lines)
  return {
    lines: () => chunks.map(c => c.trim()).filter(c => c.startsWith('{')).map(c => JSON.parse(c)),
    restore: () => { for (const spy of spies) spy.mockRestore() }
  }
}

const context = (requestId: string) => ({
  awsRequestId: requestId, functionName: 'yzt-dev-getQuery', functionVersion: '$LATEST', memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:ap-east-1:111122223333:function:yzt-dev-getQuery'
}) as unknown as Context

test('every line an invocation logs carries its request id and whether it was a cold start', async () => {
  // as Lambda sets it for an on-demand container, before the logger exists
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand'
  const logs = capture()
  try {
    await jest.isolateModulesAsync(async () => {
      const { httpRoute } = await import('../../src/lib/http')
      const { logger } = await import('../../src/lib/logger')
      const route = httpRoute({ status: 200 }, async () => { logger.warn('inside the handler'); return {} })
      await route({ routeKey: 'GET /x' } as APIGatewayProxyEventV2, context('req-1'))
      await route({ routeKey: 'GET /x' } as APIGatewayProxyEventV2, context('req-2'))
    })
  } finally {
    logs.restore()
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE
  }
  const lines = logs.lines().filter(l => l.message === 'inside the handler')
  expect(lines.map(l => [l.function_request_id, l.cold_start])).toEqual([['req-1', true], ['req-2', false]])
})

describe('EMF', () => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED
  beforeAll(() => { process.env.POWERTOOLS_METRICS_DISABLED = 'false' })
  afterAll(() => { process.env.POWERTOOLS_METRICS_DISABLED = before })

  function emf (run: (m: ReturnType<typeof createMetrics>) => Promise<void> | void) {
    return async () => {
      const m = createMetrics()
      const out = capture()
      try { await run(m); publishMetrics(m) } finally { out.restore() }
      return out.lines().filter(l => l._aws) as any[]
    }
  }
  const names = (line: { _aws: { CloudWatchMetrics: { Metrics: { Name: string, Unit: string }[], Dimensions: string[][], Namespace: string }[] } }) => line._aws.CloudWatchMetrics[0]!

  test('counts go out as one line at the end of the invocation; nothing counted, nothing written', async () => {
    const [line, ...rest] = await emf(m => { countMetric(METRIC_NAMES.queriesAccepted, m); countMetric(METRIC_NAMES.smsSent, m) })()
    expect(rest).toEqual([])
    expect(names(line).Namespace).toBe('yzt')
    expect(names(line).Metrics).toEqual([{ Name: 'QueriesAccepted', Unit: 'Count' }, { Name: 'SmsSent', Unit: 'Count' }])
    expect(line.QueriesAccepted).toBe(1)
    expect(await emf(() => {})()).toEqual([])
  })

  test('per-enterprise latency and unavailability carry the enterprise as a dimension', async () => {
    const lines = await emf(async m => {
      const gateway = timedGateway({ countAccounts: async id => { if (id === 'baidu') throw new Error('down'); return { x: 1 } } }, m)
      await gateway.countAccounts('jd', '13800005551', AbortSignal.timeout(1000))
      await expect(gateway.countAccounts('baidu', '13800005551', AbortSignal.timeout(1000))).rejects.toThrow('down')
      enterpriseMetric('baidu', 'enterpriseUnavailable', 1, m)
    })()
    expect(lines.map(l => [l.enterprise, names(l).Metrics[0]!.Name, names(l).Dimensions])).toEqual([
      ['jd', 'EnterpriseLatency', [['service', 'enterprise']]],
      ['baidu', 'EnterpriseLatency', [['service', 'enterprise']]],
      ['baidu', 'EnterpriseUnavailable', [['service', 'enterprise']]]
    ])
    expect(JSON.stringify(lines)).not.toContain('13800005551')
  })
})

describe('resolution cases: the handlers count what the domain says happened', () => {
  // the handlers write to the module's own Metrics: built (enabled) in a fresh registry, with the
  // domain's outcomes scripted, so each handler's EMF lines can be read alone
  const before = process.env.POWERTOOLS_METRICS_DISABLED
  beforeAll(() => { process.env.POWERTOOLS_METRICS_DISABLED = 'false' })
  afterAll(() => { process.env.POWERTOOLS_METRICS_DISABLED = before })
  afterEach(() => { jest.dontMock('../../src/domain/cases') })

  type Line = { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[], Dimensions: string[][] }[] }, [key: string]: unknown }
  /** [metric, value, dimensions other than service] per metric of every EMF line */
  const counted = (lines: Line[]) => lines.flatMap(l => l._aws.CloudWatchMetrics[0]!.Metrics.map(({ Name }) => {
    const dims = l._aws.CloudWatchMetrics[0]!.Dimensions[0]!.filter(d => d !== 'service')
    return [Name, l[Name], Object.fromEntries(dims.map(d => [d, l[d]]))]
  }))

  async function run (domain: Record<string, jest.Mock>, invoke: (handlers: {
    createCase: typeof CreateCase, forwardDispute: typeof ForwardDispute, sweepCases: typeof SweepCases, disputeCallback: typeof DisputeCallback
  }) => Promise<void>) {
    const out = capture()
    try {
      await jest.isolateModulesAsync(async () => {
        jest.doMock('../../src/domain/cases', () => domain)
        await invoke({
          createCase: await import('../../src/handlers/create-case'),
          forwardDispute: await import('../../src/handlers/forward-dispute'),
          sweepCases: await import('../../src/handlers/sweep-cases'),
          disputeCallback: await import('../../src/handlers/dispute-callback')
        })
      })
    } finally { out.restore() }
    const lines = out.lines().filter(l => l._aws) as Line[]
    // enterprise ids and statuses only: never an item or case id, a number or a note
    expect(JSON.stringify(lines)).not.toMatch(/case-1|13800005551|旧号码/)
    return counted(lines)
  }

  test('a case opened: CasesOpened once, CaseItemsOpened per enterprise; a repeat under the same key counts nothing', async () => {
    const response = (items: string[]) => ({
      caseId: 'case-1', ticket: 'T1', accessToken: 'tok', maskedPhone: '138****5551',
      items: items.map(e => ({ itemId: `case-1.${e}`, appId: e, enterpriseId: e === 'taobao' ? 'alibaba' : e, status: 'SUBMITTED' }))
    })
    const createCase = jest.fn()
      .mockResolvedValueOnce({ response: response(['taobao', 'alibaba', 'jd']), opened: true })
      .mockResolvedValueOnce({ response: response(['taobao', 'alibaba', 'jd']), opened: false })
    const body = JSON.stringify({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true, items: [{ appId: 'jd', kind: 'NOT_MINE', note: '旧号码' }] })
    const event = { routeKey: 'POST /v1/cases', headers: { 'content-type': 'application/json' }, body, requestContext: { domainName: 'api.example', http: { sourceIp: '203.0.113.9' } } }
    const rt = async () => ({ hasher: { requester: () => 'r' } }) as never
    expect(await run({ createCase }, async ({ createCase: h }) => {
      expect((await h.makeHandler(rt)(event as never)).statusCode).toBe(202)
      expect((await h.makeHandler(rt)(event as never)).statusCode).toBe(202)
    })).toEqual([
      ['CaseItemsOpened', 2, { enterprise: 'alibaba' }],
      ['CaseItemsOpened', 1, { enterprise: 'jd' }],
      ['CasesOpened', 1, {}]
    ])
  })

  test('a forward: DisputesForwarded or DisputesDeferred for its enterprise, nothing when skipped', async () => {
    const outcomes: Record<string, unknown> = {
      'case-1.jd': { status: 'forwarded', enterpriseId: 'jd' },
      'case-1.baidu': { status: 'retry-later', enterpriseId: 'baidu', error: 'Error: down' },
      'case-1.douyin': { status: 'skipped' }
    }
    const forwardDispute = jest.fn(async (_deps: unknown, itemId: string) => outcomes[itemId])
    const event = { Records: Object.keys(outcomes).map(pk => ({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: pk } } } })) }
    const lines = await run({ forwardDispute }, async ({ forwardDispute: h }) => {
      expect((await h.makeHandler(async () => ({}) as never)(event as never)).batchItemFailures).toEqual([])
    })
    expect(lines.sort()).toEqual([
      ['DisputesDeferred', 1, { enterprise: 'baidu' }],
      ['DisputesForwarded', 1, { enterprise: 'jd' }]
    ])
  })

  test('the sweep: CaseItemsOverdue, DisputesForwarded and DisputesDeferred per enterprise, DisputesDropped in all', async () => {
    const sweepCases = jest.fn().mockResolvedValue({
      cases: 3, overdue: 3, smsQueued: 2, dropped: 2, forwarded: 1, deferred: 2,
      enterprises: { kuaishou: { overdue: 2, forwarded: 0, deferred: 0 }, baidu: { overdue: 1, forwarded: 1, deferred: 2 } }
    })
    const lines = await run({ sweepCases }, async ({ sweepCases: h }) => { await h.makeHandler(async () => ({}) as never)() })
    expect(lines).toEqual([
      ['CaseItemsOverdue', 2, { enterprise: 'kuaishou' }],
      ['CaseItemsOverdue', 1, { enterprise: 'baidu' }],
      ['DisputesForwarded', 1, { enterprise: 'baidu' }],
      ['DisputesDeferred', 2, { enterprise: 'baidu' }],
      ['DisputesDropped', 2, {}]
    ])
  })

  test('an answer: DisputeAnswers by enterprise and status when accepted, nothing when refused', async () => {
    const { signedRequestHeaders } = await import('../../src/lib/signing')
    const key = 'k'.repeat(64)
    const answerItem = jest.fn()
      .mockResolvedValueOnce({ itemId: 'case-1.jd', status: 'RESOLVED' })
      // the fresh registry's AppError, which the route recognises as a refusal
      .mockImplementationOnce(async () => { const { AppError } = await import('../../src/domain/errors'); throw new AppError('CONFLICT') })
    const signed = (status: string, body: Record<string, unknown>) => {
      const path = '/v1/enterprise-callbacks/disputes/case-1.jd'
      const text = JSON.stringify({ status, ...body })
      return {
        rawPath: path, body: text, routeKey: 'POST /v1/enterprise-callbacks/disputes/{itemId}', pathParameters: { itemId: 'case-1.jd' },
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/json', ...signedRequestHeaders('jd', key, 'POST', path, text, Date.now()) }
      }
    }
    const rt = async () => ({ callers: { enterprise: { now: () => Date.now(), keysFor: async () => [key], firstUse: async () => true } } }) as never
    expect(await run({ answerItem }, async ({ disputeCallback: h }) => {
      expect((await h.makeHandler(rt)(signed('RESOLVED', { accountsAffected: 1, action: 'UNBOUND' }) as never)).statusCode).toBe(200)
      expect((await h.makeHandler(rt)(signed('ACKNOWLEDGED', {}) as never)).statusCode).toBe(409)
    })).toEqual([['DisputeAnswers', 1, { enterprise: 'jd', status: 'RESOLVED' }]])
  })
})
