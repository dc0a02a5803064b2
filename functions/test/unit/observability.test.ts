// Lambda context on every log line, and the business metrics as EMF lines CloudWatch can read.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { countMetric, createMetrics, enterpriseMetric, METRIC_NAMES, publishMetrics, timedGateway } from '../../src/lib/metrics'

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
