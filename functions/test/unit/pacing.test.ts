// The domain's pacing: tries with growing waits, and bounded concurrency.
import { AGAIN, inRounds, mapLimited, retryOnConflict, withTries } from '../../src/domain/pacing'

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

test('retryOnConflict: another round after each lost race, a random pause growing with the round; AGAIN when every round lost', async () => {
  const waits: number[] = []
  const sleep = async (ms: number) => { waits.push(ms) }
  let rounds = 0
  const won = await retryOnConflict({ tries: 5, jitterMs: 10, sleep }, async n => ++rounds < 3 ? AGAIN : `won in round ${n}`)
  expect(won).toBe('won in round 2')
  expect(waits).toHaveLength(2)
  expect(waits[0]).toBeLessThan(10)
  expect(waits[1]).toBeLessThan(20)
  rounds = 0
  expect(await retryOnConflict({ tries: 3, jitterMs: 1, sleep }, async () => { rounds++; return AGAIN })).toBe(AGAIN)
  expect(rounds).toBe(3)
})

test('inRounds: an answer other than AGAIN ends the rounds, undefined and false included', async () => {
  expect(await inRounds({ tries: 3, pauseMs: () => 0 }, async () => undefined)).toBeUndefined()
  expect(await inRounds({ tries: 3, pauseMs: () => 0 }, async () => false)).toBe(false)
})
