// The domain's pacing: tries with growing waits, and bounded concurrency.
import { mapLimited, withTries } from '../../src/domain/pacing'

test('withTries: waits backoff, then twice that, between tries; the first success, or the last failure', async () => {
  const waits: number[] = []
  let calls = 0
  const ok = await withTries({ tries: 3, backoffMs: 100, sleep: async ms => { waits.push(ms) } }, async () => {
    if (++calls < 3) throw new Error(`fail ${calls}`)
    return 'done'
  })
  expect(ok).toEqual({ ok: true, value: 'done' })
  expect(waits).toEqual([100, 200])
  const failed = await withTries({ tries: 2, backoffMs: 1, sleep: async () => {} }, async () => { throw new Error('always') })
  expect(failed).toEqual({ ok: false, error: new Error('always') })
})

test('mapLimited: every item once, never more than the limit at once', async () => {
  let running = 0
  let most = 0
  const seen: number[] = []
  await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, async n => {
    most = Math.max(most, ++running)
    await new Promise(resolve => setTimeout(resolve, 5))
    seen.push(n)
    running--
  })
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
  expect(most).toBe(3)
})
