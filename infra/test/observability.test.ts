// The business metrics the functions write (EMF) reach a dashboard, and an enterprise that stops
// answering, misses a case deadline or stops taking disputes raises its own alarm on the stage's
// alarm topic.
import { catalogue } from '@yzt/functions/catalogue'
import { DISPUTE_ANSWER_STATUSES, METRIC_NAMES } from '@yzt/functions/lib/metric-names'
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

const enterpriseAlarm = (id: string, suffix: string) =>
  resourcesOfType(dev, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.AlarmName === `yzt-dev-enterprise-${id}-${suffix}`)

test.each(catalogue.enterprises.map(e => e.id))('%s: an alarm when one of its case items went OVERDUE in the last day', id => {
  const alarms = enterpriseAlarm(id, 'cases-overdue')
  expect(alarms).toHaveLength(1)
  expect(alarms[0]![1].Properties).toMatchObject({
    Namespace: 'yzt-dev',
    MetricName: METRIC_NAMES.caseItemsOverdue,
    Dimensions: expect.arrayContaining([{ Name: 'enterprise', Value: id }, { Name: 'service', Value: 'yzt' }]),
    Statistic: 'Sum',
    Period: 86400,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: topic }]
  })
})

test.each(catalogue.enterprises.map(e => e.id))('%s: an alarm when it has not taken disputes for three sweeps in a row', id => {
  const alarms = enterpriseAlarm(id, 'disputes-deferred')
  expect(alarms).toHaveLength(1)
  expect(alarms[0]![1].Properties).toMatchObject({
    Namespace: 'yzt-dev',
    MetricName: METRIC_NAMES.disputesDeferred,
    Dimensions: expect.arrayContaining([{ Name: 'enterprise', Value: id }, { Name: 'service', Value: 'yzt' }]),
    Statistic: 'Sum',
    // the period is the sweep's schedule: each run retries every undelivered dispute once
    Period: FUNCTIONS.sweepCases.schedule.everyMinutes * 60,
    EvaluationPeriods: 3,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: topic }]
  })
})

describe('one dashboard', () => {
  const dashboards = resourcesOfType(dev, 'AWS::CloudWatch::Dashboard')
  // the body is JSON joined with tokens (region, alarm ARNs): read it with the tokens blanked
  const parts: unknown[] = dashboards[0]![1].Properties.DashboardBody['Fn::Join'][1]
  const body = JSON.parse(parts.map(p => typeof p === 'string' ? p : 'TOKEN').join(''))
  type Widget = { properties: { title?: string, metrics?: unknown[][], alarms?: string[] } }
  const widgets: Widget[] = body.widgets
  const metrics = widgets.flatMap(w => w.properties.metrics ?? [])
  // a plotted metric: [namespace, name, dimension, value, …, options?]
  const plotted = (name: string) => metrics.filter(m => m[0] === 'yzt-dev' && m[1] === name)
  const dimension = (m: unknown[], d: string) => m[m.indexOf(d) + 1]
  const ids = catalogue.enterprises.map(e => e.id)

  test('just the one', () => { expect(dashboards).toHaveLength(1) })

  test('queries accepted, SMS sent and failed, per-enterprise latency and unavailability', () => {
    for (const name of [METRIC_NAMES.queriesAccepted, METRIC_NAMES.smsSent, METRIC_NAMES.smsFailed]) expect(plotted(name)).toHaveLength(1)
    for (const name of [METRIC_NAMES.enterpriseLatency, METRIC_NAMES.enterpriseUnavailable]) {
      expect(plotted(name).map(m => dimension(m, 'enterprise'))).toEqual(ids)
    }
  })

  test('cases: opened, dropped, and per enterprise items opened, forwarded, deferred and overdue', () => {
    for (const name of [METRIC_NAMES.casesOpened, METRIC_NAMES.disputesDropped]) expect(plotted(name)).toHaveLength(1)
    for (const name of [METRIC_NAMES.caseItemsOpened, METRIC_NAMES.disputesForwarded, METRIC_NAMES.disputesDeferred, METRIC_NAMES.caseItemsOverdue]) {
      expect(plotted(name).map(m => dimension(m, 'enterprise'))).toEqual(ids)
    }
  })

  test('dispute answers: one line per status, summed over every enterprise', () => {
    const answers = plotted(METRIC_NAMES.disputeAnswers)
    expect(answers).toHaveLength(DISPUTE_ANSWER_STATUSES.length * ids.length)
    const widget = widgets.find(w => w.properties.title === 'Dispute answers by status')!
    const lines = widget.properties.metrics!.filter(m => typeof (m[0] as { expression?: string }).expression === 'string').map(m => m[0] as { expression: string, label: string })
    expect(lines.map(l => l.label)).toEqual([...DISPUTE_ANSWER_STATUSES])
    for (const status of DISPUTE_ANSWER_STATUSES) {
      const summed = answers.filter(m => dimension(m, 'status') === status)
      expect(summed.map(m => dimension(m, 'enterprise'))).toEqual(ids)
      const line = lines.find(l => l.label === status)!
      // every enterprise's series of that status, by its id, in the expression
      for (const m of summed) expect(line.expression).toContain((m.at(-1) as { id: string }).id)
    }
  })

  test('the alarm status widget shows every enterprise alarm', () => {
    const widget = widgets.find(w => w.properties.title === 'Enterprises')!
    expect(widget.properties.alarms).toHaveLength(3 * ids.length)
  })
})
