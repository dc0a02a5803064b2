// The released feed's paging rules as pure logic over a store stand-in: a page cut between two
// entries of one seq never skips the second; the dated list reads every page of its day.
import { hmacHasher } from '../../src/adapters/crypto'
import { FEED_SETTLE_MS, releasedNumbers, releasedSince, type LifecycleDeps } from '../../src/domain/lifecycle'
import type { LifecycleStore, ReleasedEntry } from '#ports'

const NOW = Date.parse('2027-03-10T04:00:00Z') // China noon
const at = (ms: number, n: number, phone: string): ReleasedEntry => ({ seq: ms * 1000 + n, phone, effectiveAt: ms })

function depsOver (entries: ReleasedEntry[], limit: number): { deps: LifecycleDeps, queries: number[] } {
  const queries: number[] = []
  const store: Partial<LifecycleStore> = {
    releasedPage: async (_day, after, upTo) => {
      queries.push(after)
      const found = entries.filter(e => e.seq > after && e.seq <= upTo)
      return { entries: found.slice(0, limit), more: found.length > limit }
    }
  }
  const deps = { clock: { now: () => NOW }, hasher: hmacHasher('pepper'), lifecycle: store, callerLedger: { takeToken: async () => ({ ok: true }), audit: async () => {} } } as unknown as LifecycleDeps
  return { deps, queries }
}

test('a page cut between two entries with one seq leaves both for the next page: none skipped, none twice', async () => {
  const t = NOW - FEED_SETTLE_MS - 10_000
  const entries = [at(t, 1, '18600000001'), at(t, 2, '18600000002'), at(t, 2, '18600000003'), at(t, 3, '18600000004')]
  const { deps } = depsOver(entries, 2)
  const seen: string[] = []
  let cursor = ''
  for (let i = 0; i < 6; i++) {
    const page = await releasedSince(deps, 'jd', cursor)
    seen.push(...page.entries.map(e => e.phone))
    cursor = page.next
    if (!page.more && page.entries.length === 0) break
  }
  expect(seen).toEqual(entries.map(e => e.phone))
})

test('not yet settled entries wait; the dated list reads every page of the day', async () => {
  const fresh = [at(NOW - 1000, 0, '18600000005')]
  expect((await releasedSince(depsOver(fresh, 10).deps, 'jd', '')).entries).toEqual([])
  const many = Array.from({ length: 7 }, (_, i) => at(NOW - 3600_000 + i, i % 2, `1860000100${i}`))
  const { deps, queries } = depsOver(many, 3)
  expect((await releasedNumbers(deps, 'jd', '2027-03-10')).map(e => e.phone)).toEqual(many.map(e => e.phone))
  expect(queries.length).toBe(3)
})
