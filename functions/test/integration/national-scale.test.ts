// 60 enterprises and 200 apps (scripts/generate-catalogue.ts) on the running system: every enterprise
// asked at once over real HTTP, the circuit breaker of one failing enterprise opens for it alone and is
// seen by a new container, and the breakers' shared state for all 60 is one BatchGetItem per refresh.
// Outcomes and request counts only; how long it takes is the bench's business (bench/coverage.ts).
import { generateCatalogue, generateSeed } from '../../scripts/generate-catalogue'
import { DynamoBreakerStore } from '../../src/adapters/dynamo/breaker-store'
import { tableNames } from '../../src/adapters/dynamo/client'
import { parseCatalogue } from '../../src/catalogue/index'
import { EnterpriseBreakers } from '../../src/domain/breaker'
import { askEnterprises, CIRCUIT_OPEN } from '../../src/domain/fan-out'
import { POLICY } from '../../src/domain/policy'
import { startTestSystem, type TestSystem } from '../support/harness'

const doc = generateCatalogue(60, 200)
const catalogue = parseCatalogue(doc)
const ids = catalogue.enterprises.map(e => e.id)
const PHONE = '13800005551'
const DOWN = 'ent037'

let sys: TestSystem
beforeAll(async () => { sys = await startTestSystem({ seed: generateSeed(doc) }) })
afterAll(async () => { await sys?.stop() })

test('the generated catalogue: 60 enterprises, 200 apps, labels ending in 账号, each with a guide and hotline', () => {
  expect(catalogue.enterprises).toHaveLength(60)
  expect(catalogue.apps).toHaveLength(200)
  expect(new Set(catalogue.apps.map(a => a.label)).size).toBe(200)
  for (const app of catalogue.apps) expect(app.label).toMatch(/^[\u4e00-\u9fff]{2}账号$/)
  for (const e of catalogue.enterprises) expect(e.guide.hotline).toMatch(/^400-\d{3}-\d{4}$/)
})

test('one query asks all 60 at once; a failing one opens its own breaker only; the shared state is one read for all 60', async () => {
  const breakers = new EnterpriseBreakers(sys.clock, new DynamoBreakerStore(sys.runtime.doc, { ...tableNames(), enterpriseHealth: sys.table('EnterpriseHealth') }))
  const batchGets = () => sys.ddbCalls.BatchGetItemCommand ?? 0

  const before = batchGets()
  await breakers.refresh(ids)
  await breakers.refresh(ids) // within the refresh period: no second read
  expect(batchGets() - before).toBe(1)

  const all = await askEnterprises(sys.runtime.gateway, catalogue, PHONE, { breakers })
  expect(all.failures).toEqual([])
  expect(Object.values(all.results).filter(n => typeof n === 'number')).toHaveLength(200)
  for (const id of ids) expect(sys.mock.served[id]).toBe(1)

  sys.mock.setFaults(DOWN, { failRate: 1 })
  for (let i = 0; i < POLICY.enterprise.breaker.failuresToOpen; i++) {
    const r = await askEnterprises(sys.runtime.gateway, catalogue, PHONE, { breakers, tries: 1 })
    expect(r.failures.map(f => f.enterpriseId)).toEqual([DOWN])
  }
  expect(breakers.state(DOWN).mode).toBe('open')
  expect(ids.filter(id => breakers.state(id).mode !== 'closed')).toEqual([DOWN])

  const served = { ...sys.mock.served }
  const skipped = await askEnterprises(sys.runtime.gateway, catalogue, PHONE, { breakers })
  expect(skipped.failures).toEqual([{ enterpriseId: DOWN, reason: CIRCUIT_OPEN }])
  expect(sys.mock.served[DOWN]).toBe(served[DOWN])
  for (const app of catalogue.enterprises.find(e => e.id === DOWN)!.apps) expect(skipped.results[app.id]).toBe('unavailable')
  expect(Object.values(skipped.results).filter(n => typeof n === 'number')).toHaveLength(200 - catalogue.enterprises.find(e => e.id === DOWN)!.apps.length)

  // a new container learns of it from the one shared read
  const fresh = new EnterpriseBreakers(sys.clock, new DynamoBreakerStore(sys.runtime.doc, { ...tableNames(), enterpriseHealth: sys.table('EnterpriseHealth') }))
  const reads = batchGets()
  await fresh.refresh(ids)
  expect(batchGets() - reads).toBe(1)
  expect(ids.filter(id => fresh.state(id).mode !== 'closed')).toEqual([DOWN])
  sys.mock.clearFaults()
}, 120_000)
