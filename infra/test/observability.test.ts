// The business metrics the functions write (EMF) reach a dashboard, and an enterprise that stops
// answering raises its own alarm on the stage's alarm topic.
import { catalogue } from '@yzt/functions/catalogue'
import { METRIC_NAMES } from '@yzt/functions/lib/metric-names'
import { FUNCTIONS } from '@yzt/functions/infra-shared/functions'
import { functionId, logicalId, resourcesOfType, synth } from './support/synth'

const dev = synth()
const topic = logicalId(dev, dev.stack.alarmTopic)

test('every function writes its metrics to the stage namespace', () => {
  for (const name of Object.keys(FUNCTIONS)) {
    expect(dev.json.Resources[functionId(dev, name)]!.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('yzt-dev')
  }
})

test.each(catalogue.enterprises.map(e => e.id))('%s: an alarm when it is 暂无法查询 in most queries for 15 minutes', id => {
  const alarms = resourcesOfType(dev, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `yzt-dev-enterprise-${id}-unavailable`)
  expect(alarms).toHaveLength(1)
  expect(alarms[0]![1].Properties).toMatchObject({
    Namespace: 'yzt-dev',
    MetricName: METRIC_NAMES.enterpriseUnavailable,
    Dimensions: expect.arrayContaining([{ Name: 'enterprise', Value: id }, { Name: 'service', Value: 'yzt' }]),
    Statistic: 'Average',
    Period: 300,
    EvaluationPeriods: 3,
    Threshold: 0.5,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: topic }]
  })
})

test('one dashboard: queries accepted, SMS sent and failed, per-enterprise latency and unavailability', () => {
  const dashboards = resourcesOfType(dev, 'AWS::CloudWatch::Dashboard')
  expect(dashboards).toHaveLength(1)
  // the body is JSON joined with tokens (region, alarm ARNs): read it with the tokens blanked
  const parts: unknown[] = dashboards[0]![1].Properties.DashboardBody['Fn::Join'][1]
  const body = JSON.parse(parts.map(p => typeof p === 'string' ? p : 'TOKEN').join(''))
  const metrics: string[][] = body.widgets.flatMap((w: { properties: { metrics?: string[][] } }) => w.properties.metrics ?? [])
  const plotted = (name: string) => metrics.filter(m => m[0] === 'yzt-dev' && m[1] === name)
  for (const name of [METRIC_NAMES.queriesAccepted, METRIC_NAMES.smsSent, METRIC_NAMES.smsFailed]) expect(plotted(name)).toHaveLength(1)
  for (const name of [METRIC_NAMES.enterpriseLatency, METRIC_NAMES.enterpriseUnavailable]) {
    expect(plotted(name).map(m => m[3])).toEqual(catalogue.enterprises.map(e => e.id))
  }
})
