// The hot path at its minimum: the DynamoDB requests of each step of an accepted query, counted by an
// SDK middleware on DynamoDB Local, against the design minimum (bench/support.ts HOT_PATH_MINIMUM,
// 14 in all). The stream consumers are invoked with the record Lambda would give them (streams off),
// so each step is counted alone. A step that grows (a read added before a write, a log read one at a
// time) fails here.
import { byCommand, HOT_PATH_MINIMUM, hotPathSteps, type HotPathStep, type StepRequests } from '../../bench/support'
import { DEMO, startTestSystem, type TestSystem } from '../support/harness'

/** what each step sends, by command: the design, not just its sum */
const DESIGN: Record<HotPathStep, Record<string, number>> = {
  sendCode: { BatchGetItem: 1, TransactWriteItems: 1 },
  codeSms: { UpdateItem: 3 },
  submit: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 },
  process: { UpdateItem: 1, BatchGetItem: 1, TransactWriteItems: 1 },
  resultSms: { UpdateItem: 1, TransactWriteItems: 2 }
}

let sys: TestSystem
let prefix: string

beforeAll(async () => {
  sys = await startTestSystem({ streams: false })
  prefix = sys.table('')
  // subscribers of their own, so no other test's limits or codes are in the way
  for (const phone of ['13600000001', '13600000002']) {
    await sys.runtime.subscribers.put({ phoneHash: sys.runtime.hasher.phone(phone), idSuffixHash: sys.runtime.hasher.idSuffix(phone, '000000'), status: 'active' })
  }
}, 60_000)
afterAll(() => sys?.stop())

function expectAtMinimum (steps: Record<HotPathStep, StepRequests>): void {
  const names = Object.keys(HOT_PATH_MINIMUM) as HotPathStep[]
  // the steps that grew beyond their minimum, with what they sent: empty
  const grown = names.filter(n => steps[n].requests.length > HOT_PATH_MINIMUM[n]).map(n => ({ step: n, sent: steps[n].requests }))
  expect(grown).toEqual([])
  for (const name of names) {
    expect({ step: name, commands: byCommand(steps[name].requests) }).toEqual({ step: name, commands: DESIGN[name] })
  }
  const total = Object.values(steps).reduce((n, s) => n + s.requests.length, 0)
  expect(total).toBeLessThanOrEqual(14)
}

test('an accepted query costs its design minimum per step: 2 + 3 + 3 + 3 + 3 = 14 requests', async () => {
  const steps = await hotPathSteps(sys, prefix, { phone: '13600000001', idSuffix: '000000' })
  expectAtMinimum(steps)
  // the circuit breakers' state is read at most once per container and second, never per query
  expect(Object.values(steps).reduce((n, s) => n + s.breakerReads, 0)).toBeLessThanOrEqual(1)
  // the reads of a step are one BatchGetItem over the tables it needs, the subscriber row included
  const [read] = steps.sendCode.requests
  expect(read!.tables.sort()).toEqual([sys.table('Limits'), sys.table('Subscribers')].sort())
}, 60_000)

test('with Idempotency-Keys the record is read in the same BatchGetItem: still 14', async () => {
  const steps = await hotPathSteps(sys, prefix, { phone: '13600000002', idSuffix: '000000' }, { idempotencyKeys: true })
  expectAtMinimum(steps)
}, 60_000)

test('with the carriers\' HTTP endpoints as the gateway: the same 14, the carrier asked beside the store (no Subscribers read)', async () => {
  const http = await startTestSystem({ streams: false, env: { CARRIER_GATEWAY: 'http' } })
  try {
    const alice = DEMO.subscribers[0]!
    const served = () => Object.values(http.carriers!.served).reduce((a, b) => a + b, 0)
    const before = served()
    const steps = await hotPathSteps(http, http.table(''), { phone: alice.phone, idSuffix: alice.idSuffix })
    expectAtMinimum(steps)
    expect(steps.sendCode.requests[0]!.tables).toEqual([http.table('Limits')])
    expect(steps.submit.requests[0]!.tables).toEqual([http.table('Limits')])
    // once for the code (is it an active subscriber?), once for the verdict (the ID suffix)
    expect(served() - before).toBe(2)
  } finally {
    await http.stop()
  }
}, 60_000)
