// `npm run carrier` against a local runtime whose clock is not this machine's (YZT_NOW, or a test's
// clock): it signs with the runtime's time, so its calls are accepted, not 401.
import { carrierCommand, runtimeNow } from '../../scripts/carrier'
import { ManualClock, startTestSystem, type TestSystem } from '../support/harness'

let sys: TestSystem | undefined
afterEach(async () => { await sys?.stop(); sys = undefined })

test('the carrier console follows the runtime clock, a year from the real one', async () => {
  const clock = new ManualClock(Date.now() + 365 * 24 * 3600_000)
  sys = await startTestSystem({ clock })
  expect(await runtimeNow(sys.url)).toBe(clock.now())
  const readiness = await carrierCommand(['readiness', '13800005551', '--url', sys.url])
  expect(readiness.status).toBe(200)
  const cancelled = await carrierCommand(['cancel', '13800005551', '--url', sys.url])
  expect(cancelled.status).toBe(200)
  expect(cancelled.body).toEqual({ results: [{ eventId: expect.any(String), outcome: 'APPLIED' }] })
}, 60_000)
