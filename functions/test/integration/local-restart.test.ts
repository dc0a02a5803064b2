// A restart of the local runtime on the same store (`npm start -- --data DIR` twice) keeps what happened
// since: the seed fills an empty store only, so a number cancelled by its carrier stays cancelled.
import { recordNumberEvents } from '../../src/domain/lifecycle'
import { carrierOf } from '../../src/domain/carriers'
import { call, startTestSystem, type TestSystem } from '../support/harness'

let sys: TestSystem | undefined
afterEach(async () => { await sys?.stop(); sys = undefined })

test('a restart on the same store does not re-apply the seed', async () => {
  const tablePrefix = `restart${process.pid}x${Date.now().toString(36)}_`
  const phone = '13800005551' // active in the demo seed
  sys = await startTestSystem({ tablePrefix })
  const at = new Date(sys.clock.now()).toISOString()
  const [result] = await recordNumberEvents(sys.runtime, carrierOf(phone)!, [{ eventId: 'restart-cancel', phone, type: 'CANCELLED', effectiveAt: at }])
  expect(result?.outcome).not.toBe('REJECTED')
  const cancelled = await sys.runtime.subscribers.get(sys.runtime.hasher.phone(phone))
  await sys.stop()

  sys = await startTestSystem({ tablePrefix })
  // the subscriber record as the cancellation left it, not as the seed describes it
  expect(await sys.runtime.subscribers.get(sys.runtime.hasher.phone(phone))).toEqual(cancelled)
  expect(cancelled?.status).not.toBe('active')
  // and so no code SMS for it
  const res = await call(sys.url, 'POST', '/v1/verification-codes', { phone })
  expect(res.status).toBe(202)
  await new Promise(resolve => setTimeout(resolve, 500))
  expect(sys.sms.all().filter(m => m.to === phone)).toEqual([])
}, 60_000)
