// The circuit breaker's rules as pure logic, with a clock the test moves.
import fc from 'fast-check'
import { catalogue } from '../../src/catalogue/index'
import { adopt, CLOSED, decide, EnterpriseBreakers, settle, type BreakerRules, type BreakerState } from '../../src/domain/breaker'
import { askEnterprises, CIRCUIT_OPEN } from '../../src/domain/fan-out'
import type { BreakerStore, EnterpriseGateway } from '#ports'

const RULES: BreakerRules = { failuresToOpen: 3, openMs: 10_000, probeTimeoutMs: 5000, refreshMs: 1000 }
const clock = { t: 1_000_000, now () { return this.t } }

/** the shared store as a map; the DynamoDB adapter is tested on DynamoDB Local */
class MemoryStore implements BreakerStore {
  items = new Map<string, number>()
  reads = 0
  async openUntil (ids: readonly string[]) {
    this.reads++
    return Object.fromEntries(ids.filter(id => this.items.has(id)).map(id => [id, this.items.get(id)!]))
  }

  async open (id: string, until: number) { if ((this.items.get(id) ?? -Infinity) < until) this.items.set(id, until) }
  async close (id: string, now: number) { if ((this.items.get(id) ?? Infinity) <= now) this.items.delete(id) }
}

beforeEach(() => { clock.t = 1_000_000 })

describe('rules', () => {
  test('opens after failuresToOpen failures in a row, not before', () => {
    let s: BreakerState = CLOSED
    for (let i = 1; i < RULES.failuresToOpen; i++) {
      const r = settle(s, false, false, 0, RULES)
      expect(r.opened).toBe(false)
      s = r.next
    }
    const r = settle(s, false, false, 50, RULES)
    expect(r).toEqual({ next: { mode: 'open', until: 50 + RULES.openMs }, opened: true, closed: false })
  })

  test('a success in between starts the count again', () => {
    let s: BreakerState = CLOSED
    for (const ok of [false, false, true, false, false]) s = settle(s, ok, false, 0, RULES).next
    expect(s).toEqual({ mode: 'closed', failures: 2 })
  })

  test('open: skip until the period ends, then exactly one probe; others skip while it runs', () => {
    const open: BreakerState = { mode: 'open', until: 10_000 }
    expect(decide(open, 9_999, RULES)).toEqual({ verdict: 'skip', next: open })
    const probe = decide(open, 10_000, RULES)
    expect(probe).toEqual({ verdict: 'probe', next: { mode: 'halfOpen', probeSince: 10_000 } })
    expect(decide(probe.next, 10_001, RULES).verdict).toBe('skip')
    // a probe lost with its container does not block the breaker for ever
    expect(decide(probe.next, 10_000 + RULES.probeTimeoutMs, RULES).verdict).toBe('probe')
  })

  test('a probe that succeeds closes; one that fails opens again for a full period', () => {
    const half: BreakerState = { mode: 'halfOpen', probeSince: 10_000 }
    expect(settle(half, true, true, 11_000, RULES)).toEqual({ next: CLOSED, opened: false, closed: true })
    expect(settle(half, false, true, 12_000, RULES)).toEqual({ next: { mode: 'open', until: 12_000 + RULES.openMs }, opened: true, closed: false })
  })

  test('a late failure of a call made before the breaker opened changes nothing', () => {
    const open: BreakerState = { mode: 'open', until: 10_000 }
    expect(settle(open, false, false, 5000, RULES)).toEqual({ next: open, opened: false, closed: false })
  })

  test('a shared open period opens or lengthens ours; a past one is ignored', () => {
    expect(adopt(CLOSED, 20_000, 10_000)).toEqual({ mode: 'open', until: 20_000 })
    expect(adopt({ mode: 'open', until: 15_000 }, 20_000, 10_000)).toEqual({ mode: 'open', until: 20_000 })
    expect(adopt({ mode: 'open', until: 25_000 }, 20_000, 10_000)).toEqual({ mode: 'open', until: 25_000 })
    expect(adopt(CLOSED, 9_000, 10_000)).toEqual(CLOSED)
    expect(adopt(CLOSED, undefined, 10_000)).toEqual(CLOSED)
  })

  test('property: whatever happens, the breaker never skips while closed and never opens on a success', () => {
    const event = fc.record({ ok: fc.boolean(), dt: fc.integer({ min: 0, max: 20_000 }) })
    fc.assert(fc.property(fc.array(event, { maxLength: 60 }), events => {
      let s: BreakerState = CLOSED
      let now = 0
      for (const e of events) {
        now += e.dt
        const d = decide(s, now, RULES)
        if (s.mode === 'closed') expect(d.verdict).toBe('call')
        s = d.next
        if (d.verdict === 'skip') continue
        const r = settle(s, e.ok, d.verdict === 'probe', now, RULES)
        if (e.ok) expect(r.next).toEqual(CLOSED)
        s = r.next
      }
    }))
  })
})

describe('EnterpriseBreakers', () => {
  test('tells the shared store when it opens and when a probe closes it', async () => {
    const store = new MemoryStore()
    const b = new EnterpriseBreakers(clock, store, ['jd'], RULES)
    for (let i = 0; i < RULES.failuresToOpen; i++) { expect(b.admit('jd')).toBe('call'); await b.record('jd', false, false) }
    expect(store.items.get('jd')).toBe(clock.t + RULES.openMs)
    expect(b.admit('jd')).toBe('skip')
    clock.t += RULES.openMs
    expect(b.admit('jd')).toBe('probe')
    await b.record('jd', true, true)
    expect(store.items.has('jd')).toBe(false)
    expect(b.admit('jd')).toBe('call')
  })

  test('a container learns of an outage from the store without failing itself, and reads it at most once per refresh period', async () => {
    const store = new MemoryStore()
    const first = new EnterpriseBreakers(clock, store, ['jd', 'baidu'], RULES)
    const second = new EnterpriseBreakers(clock, store, ['jd', 'baidu'], RULES)
    await second.refresh()
    for (let i = 0; i < RULES.failuresToOpen; i++) { first.admit('jd'); await first.record('jd', false, false) }
    await second.refresh() // within the refresh period: not read again
    expect(store.reads).toBe(1)
    expect(second.admit('jd')).toBe('call')
    clock.t += RULES.refreshMs
    await second.refresh()
    expect(store.reads).toBe(2)
    expect(second.admit('jd')).toBe('skip')
    expect(second.admit('baidu')).toBe('call')
  })

  test('a failing store leaves each container to find out alone; queries are not failed by it', async () => {
    const broken: BreakerStore = {
      openUntil: async () => { throw new Error('throttled') },
      open: async () => { throw new Error('throttled') },
      close: async () => { throw new Error('throttled') }
    }
    const b = new EnterpriseBreakers(clock, broken, ['jd'], RULES)
    await b.refresh()
    for (let i = 0; i < RULES.failuresToOpen; i++) { b.admit('jd'); await b.record('jd', false, false) }
    expect(b.admit('jd')).toBe('skip')
  })
})

describe('fan-out with breakers', () => {
  const countsFor = (id: string) => Object.fromEntries(catalogue.enterprises.find(e => e.id === id)!.apps.map(a => [a.id, 1]))

  test('once open, the enterprise is not asked and its apps are unavailable; the others are counted; a probe is one try', async () => {
    const calls: Record<string, number> = {}
    let tencentDown = true
    const gw: EnterpriseGateway = {
      async countAccounts (id) {
        calls[id] = (calls[id] ?? 0) + 1
        if (id === 'tencent' && tencentDown) throw new Error('HTTP 500')
        return countsFor(id)
      }
    }
    const breakers = new EnterpriseBreakers(clock, new MemoryStore(), catalogue.enterprises.map(e => e.id), RULES)
    for (let i = 0; i < RULES.failuresToOpen; i++) await askEnterprises(gw, catalogue, '13800005551', { breakers })
    expect(calls.tencent).toBe(2 * RULES.failuresToOpen)

    const skipped = await askEnterprises(gw, catalogue, '13800005551', { breakers })
    expect(calls.tencent).toBe(2 * RULES.failuresToOpen)
    expect(skipped.failures).toEqual([{ enterpriseId: 'tencent', reason: CIRCUIT_OPEN }])
    expect([skipped.results.qq, skipped.results.wechat]).toEqual(['unavailable', 'unavailable'])
    expect(skipped.results.jd).toBe(1)

    clock.t += RULES.openMs
    const failedProbe = await askEnterprises(gw, catalogue, '13800005551', { breakers })
    expect(calls.tencent).toBe(2 * RULES.failuresToOpen + 1)
    expect(failedProbe.results.qq).toBe('unavailable')

    tencentDown = false
    clock.t += RULES.openMs
    const probe = await askEnterprises(gw, catalogue, '13800005551', { breakers })
    expect([probe.results.qq, probe.results.wechat]).toEqual([1, 1])
    expect(breakers.state('tencent')).toEqual(CLOSED)
  })
})
