// `npm run load` itself, run short: the whole flow from many people at once must still reconcile (every
// accepted query one result SMS, every code request one code SMS, no 429 but the early resends, no 5xx),
// so the load tool cannot silently break again. No timing is asserted: this machine is shared.
import { runLoad, sourceAddressOf } from '../../load/run'

test('every flow comes from a /24 of its own', () => {
  const nets = new Set(Array.from({ length: 3000 }, (_, i) => sourceAddressOf(i).split('.').slice(0, 3).join('.')))
  expect(nets.size).toBe(3000)
  expect(sourceAddressOf(0)).toBe('127.1.0.1')
})

test('a short load run reconciles, with no code request refused but the early resends', async () => {
  const lines: string[] = []
  // more flows than one /24 may ask codes for in an hour (30): a tool that kept a user on one network fails here
  const result = await runLoad({
    users: 4,
    seconds: 8,
    system: { dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, tablePrefix: `load${process.pid}_` },
    log: line => lines.push(line)
  })
  const failed = result.checks.filter(c => !c.ok)
  expect(failed).toEqual([])
  expect(result.reconciled).toBe(true)
  expect(result.flows).toBeGreaterThan(0)
  expect(Object.keys(result.statuses).filter(s => s !== '200' && s !== '202' && s !== '429')).toEqual([])
}, 90_000)
