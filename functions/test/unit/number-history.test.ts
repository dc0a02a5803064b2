// The lifecycle rules as pure functions: transitions, readiness and the three-state answer.
import fc from 'fast-check'
import { chinaMidnight } from '../../src/domain/china-time'
import { applyEvent, readiness, reassignedSince, type NumberHistory } from '../../src/domain/number-history'
import { carrierOf } from '../../src/domain/carriers'
import { addWorkingDays } from '../../src/domain/working-days'

const DAY = 24 * 3600 * 1000
const T0 = chinaMidnight('2026-01-01')
const now = chinaMidnight('2027-01-01')

function run (events: [string, number][], carrierId = 'cmcc'): NumberHistory | undefined {
  let h: NumberHistory | undefined
  for (const [type, at] of events) {
    const d = applyEvent(h, 'hash', { type: type as 'CANCELLED', at, carrierId }, now)
    if (d.outcome === 'REJECTED') throw new Error(d.reason)
    h = d.history
  }
  return h
}

test('transitions only forward: cancel once, re-issue only a released number, no ACTIVE back from cancelled', () => {
  const active = run([['ACTIVE', T0]])
  expect(applyEvent(active, 'hash', { type: 'REISSUED', at: T0 + DAY, carrierId: 'cmcc' }, now)).toEqual({ outcome: 'REJECTED', reason: 'NOT_RELEASED' })
  const cancelled = run([['ACTIVE', T0], ['CANCELLED', T0 + DAY]])
  expect(applyEvent(cancelled, 'hash', { type: 'CANCELLED', at: T0 + 2 * DAY, carrierId: 'cmcc' }, now)).toMatchObject({ reason: 'ALREADY_RELEASED' })
  expect(applyEvent(cancelled, 'hash', { type: 'ACTIVE', at: T0 + 2 * DAY, carrierId: 'cmcc' }, now)).toMatchObject({ reason: 'USE_REISSUED' })
  expect(applyEvent(cancelled, 'hash', { type: 'SUSPENDED', at: T0 + 2 * DAY, carrierId: 'cmcc' }, now)).toMatchObject({ reason: 'NOT_ACTIVE' })
  expect(applyEvent(cancelled, 'hash', { type: 'ACTIVE', at: T0, carrierId: 'cmcc' }, now)).toMatchObject({ reason: 'OUT_OF_ORDER' })
  expect(applyEvent(cancelled, 'hash', { type: 'CANCELLED', at: now + DAY, carrierId: 'cmcc' }, now)).toMatchObject({ reason: 'FUTURE_EVENT' })
  expect(applyEvent(active, 'hash', { type: 'SUSPENDED', at: T0 + DAY, carrierId: 'cucc' }, now)).toMatchObject({ reason: 'OTHER_CARRIER' })
})

test('readiness: 90 days after release, flagged when re-issued before', () => {
  const released = run([['CANCELLED', T0]])!
  expect(readiness(released, T0 + 90 * DAY - 1).ready).toBe(false)
  expect(readiness(released, T0 + 90 * DAY)).toEqual({ ready: true, reasons: [], quietUntil: T0 + 90 * DAY })
  expect(readiness(run([['ACTIVE', T0]]), now)).toEqual({ ready: false, reasons: ['号码未销号'] })
  const early = applyEvent(released, 'hash', { type: 'REISSUED', at: T0 + 10 * DAY, carrierId: 'cmcc' }, now)
  expect(early).toMatchObject({ outcome: 'FLAGGED', history: { status: 'active', reissuedEarly: true } })
})

test('reassignedSince: true after any change of hands, false only inside our records, null otherwise', () => {
  const h = run([['ACTIVE', T0], ['CANCELLED', T0 + 100 * DAY], ['REISSUED', T0 + 200 * DAY]])
  expect(reassignedSince(undefined, T0)).toBeNull()
  expect(reassignedSince(h, T0 - DAY)).toBe(true)
  expect(reassignedSince(h, T0 + 150 * DAY)).toBe(true)
  expect(reassignedSince(h, T0 + 200 * DAY)).toBe(false)
  expect(reassignedSince(run([['ACTIVE', T0]]), T0 - 1)).toBeNull()
  // property: never false for a date before the records begin, never null once a change follows the date
  fc.assert(fc.property(fc.integer({ min: -400, max: 400 }), offset => {
    const since = T0 + offset * DAY
    const answer = reassignedSince(h, since)
    if (since < T0 + 200 * DAY) expect(answer).toBe(true)
    else expect(answer).toBe(false)
  }))
})

test('carrier blocks: each demo number belongs to exactly one carrier', () => {
  expect(['13800005551', '18600001234', '18900002222', '19200001111', '12000000000'].map(carrierOf)).toEqual(['cmcc', 'cucc', 'ctcc', 'cbn', undefined])
})

test('working days: weekends and configured holidays do not count; the deadline ends at China midnight', () => {
  const friday = Date.parse('2026-07-17T10:00:00+08:00')
  expect(new Date(addWorkingDays(friday, 5)).toISOString()).toBe(new Date('2026-07-25T00:00:00+08:00').toISOString())
  expect(new Date(addWorkingDays(friday, 5, new Set(['2026-07-20']))).toISOString()).toBe(new Date('2026-07-28T00:00:00+08:00').toISOString())
})
