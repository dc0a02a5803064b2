// The prod API throttles each route at its share of 1,000 queries/s (docs/CAPACITY.md §6), not one
// stage-wide 100 requests/s that answered 429 long before any function's reservation was reached.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ROUTES } from '@yzt/functions/infra-shared/routes'
import { ROUTE_NEEDS, routeThrottle } from '../lib/apis'
import { PROD_ENDPOINTS, resourcesOfType, synth, type Synthesized } from './support/synth'

const prod = synth({ stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS })
const dev = synth()
const keys = ROUTES.map(r => `${r.method} ${r.path}`)

function publicStage (s: Synthesized) {
  const [apiId] = resourcesOfType(s, 'AWS::ApiGatewayV2::Api').find(([, a]) => !String(a.Properties.Name).endsWith('mock-enterprises'))!
  return resourcesOfType(s, 'AWS::ApiGatewayV2::Stage').find(([, st]) => st.Properties.ApiId.Ref === apiId)!
}

test('every route has a need at 1,000 queries/s, and nothing else does', () => {
  expect(Object.keys(ROUTE_NEEDS).sort()).toEqual([...keys].sort())
})

test('prod: each route is throttled at 1.5 × its need, with a burst of at least a second of it and of its callers\' own bursts', () => {
  const [, stage] = publicStage(prod)
  const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number, ThrottlingBurstLimit: number }>
  expect(Object.keys(settings).sort()).toEqual([...keys].sort())
  for (const key of keys) {
    const need = ROUTE_NEEDS[key]!
    expect(settings[key]).toEqual({ ThrottlingRateLimit: routeThrottle(need).rateLimit, ThrottlingBurstLimit: routeThrottle(need).burstLimit })
    expect(settings[key]!.ThrottlingRateLimit).toBeGreaterThanOrEqual(1.5 * need.perSecond)
    expect(settings[key]!.ThrottlingBurstLimit).toBeGreaterThanOrEqual(Math.max(settings[key]!.ThrottlingRateLimit, need.burst ?? 0))
  }
  // the query path at 1,000 queries/s: a code, a submit, ~2 polls and ≤ 2 receipts each
  expect(settings['POST /v1/queries']!.ThrottlingRateLimit).toBeGreaterThanOrEqual(1500)
  expect(settings['POST /v1/verification-codes']!.ThrottlingRateLimit).toBeGreaterThanOrEqual(1500)
  expect(settings['GET /v1/queries/{queryId}']!.ThrottlingRateLimit).toBeGreaterThanOrEqual(3000)
  expect(settings['POST /v1/sms-receipts/{provider}/{token}']!.ThrottlingRateLimit).toBeGreaterThanOrEqual(3000)
  // API Gateway's default account quota is 10,000 requests/s per region: the routes together fit it
  const total = Object.values(settings).reduce((n, s) => n + s.ThrottlingRateLimit, 0)
  expect(total).toBeLessThanOrEqual(10_000)
  // a route setting must name a route that exists when the stage is deployed
  expect((stage as { DependsOn?: string[] }).DependsOn).toEqual(expect.arrayContaining(resourcesOfType(prod, 'AWS::ApiGatewayV2::Route').map(([id]) => id)))
})

test('dev keeps the one low stage throttle for every route', () => {
  const [, stage] = publicStage(dev)
  expect(stage.Properties.RouteSettings).toBeUndefined()
  expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })
})

test('docs/CAPACITY.md §6 lists every route with the throttle the stack sets', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/CAPACITY.md'), 'utf8')
  const start = doc.indexOf('<!-- route-throttles')
  expect(start).toBeGreaterThan(-1)
  const lines = doc.slice(start).split('\n').slice(1)
  const rows = lines.slice(0, lines.findIndex(l => !l.startsWith('|'))).slice(2).map(line => line.split('|').slice(1, -1).map(c => c.trim()))
  const documented = Object.fromEntries(rows.map(cells => [cells[0]!.replace(/`/g, ''), { need: cells[1], rate: cells[2], burst: cells[3] }]))
  const fmt = (n: number) => n.toLocaleString('en-US')
  expect(documented).toEqual(Object.fromEntries(keys.map(key => {
    const t = routeThrottle(ROUTE_NEEDS[key]!)
    return [key, { need: fmt(ROUTE_NEEDS[key]!.perSecond), rate: fmt(t.rateLimit), burst: fmt(t.burstLimit) }]
  })))
})
