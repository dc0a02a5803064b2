// The sliding-log rule behind every limit (pure): no window edge doubles an allowance, backoff steps
// come in order, and the wait reported is the real one.
import fc from 'fast-check'
import { LIMITS, allowedAt, logLength, retryAfterSeconds, withEvent, type LimitSpec } from '../../src/domain/limits'

const MIN = 60_000
const HOUR = 3600_000

/** events a client gets counted when it tries at each of these times, honouring the rule */
function admitted (spec: LimitSpec, tries: number[]): number[] {
  let log: number[] = []
  const counted: number[] = []
  for (const t of tries) {
    if (allowedAt(spec, log, t) <= t) { log = withEvent(spec, log, t); counted.push(t) }
  }
  return counted
}

const maxInAnyWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map(start => times.filter(t => t >= start && t < start + windowMs).length))

test.each(Object.entries(LIMITS) as [string, LimitSpec][])('%s: never more than its ceiling (plus backoff steps) in any window, whatever the timing', (_, spec) => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 * spec.windowSeconds * 1000 }), { maxLength: 200 }), raw => {
    const tries = [...raw].sort((a, b) => a - b)
    const counted = admitted(spec, tries)
    expect(maxInAnyWindow(counted, spec.windowSeconds * 1000)).toBeLessThanOrEqual(logLength(spec))
  }), { numRuns: 200 })
})

test('a fixed window would allow 10 in two minutes across the hour; the sliding log allows 5', () => {
  const edge = 10 * HOUR
  const tries = [...Array.from({ length: 5 }, (_, i) => edge - MIN + i * 1000), ...Array.from({ length: 5 }, (_, i) => edge + i * 1000)]
  expect(admitted({ ...LIMITS.codeNumberHourly }, tries)).toHaveLength(5)
})

test('verdict backoff: 2 free, then 1 min, 5 min, 30 min, then the oldest must be 24 h old', () => {
  const spec = LIMITS.verifyNumber
  let log: number[] = []
  const t0 = 1_000_000_000_000
  let t = t0
  const waits: number[] = []
  for (let i = 0; i < 6; i++) {
    const at = allowedAt(spec, log, t)
    waits.push((at - t) / 1000)
    t = at
    log = withEvent(spec, log, t)
  }
  expect(waits).toEqual([0, 0, 60, 300, 1800, 24 * 3600 - 60 - 300 - 1800])
})

test('Retry-After is the longest refusal, rounded up, at least 1 s', () => {
  expect(retryAfterSeconds([{ name: 'CODE_COOLDOWN', retryAt: 10_500 }, { name: 'CODE_NUMBER_DAILY', retryAt: 90_000 }], 0)).toBe(90)
  expect(retryAfterSeconds([{ name: 'CODE_COOLDOWN', retryAt: 100 }], 0)).toBe(1)
})
