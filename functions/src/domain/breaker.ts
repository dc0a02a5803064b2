// Circuit breaker per enterprise: an enterprise that keeps failing costs its apps 暂无法查询 at once
// instead of a 2 s deadline twice per query. Closed → (N failures in a row) → open → (after openMs)
// one probe at a time (half-open) → closed on its success, open again on its failure.
//
// The rules are pure functions of (state, event, time); `EnterpriseBreakers` holds one state per
// enterprise for a container and shares "open until" through a small store so that every container
// learns of an outage from the first one that saw it (see docs/CAPACITY.md, "Circuit breaker").
// Own code rather than cockatiel/opossum: their clocks are not injectable and their state cannot be
// seeded per call from a shared item; the whole rule set is the few lines below.
import type { BreakerStore, Clock } from '#ports'
import { POLICY } from './policy'

export interface BreakerRules {
  /** consecutive failed answers (after the fan-out's retry) that open the breaker */
  failuresToOpen: number
  /** how long an open breaker answers 暂无法查询 before it lets a probe through */
  openMs: number
  /** a probe that has not settled after this long (its container died) no longer blocks the next */
  probeTimeoutMs: number
  /** how often a container reads the shared state (once per this many ms at most) */
  refreshMs: number
}

export type BreakerState =
  | { mode: 'closed', failures: number }
  | { mode: 'open', until: number }
  /** one probe is in flight; everyone else is still answered unavailable */
  | { mode: 'halfOpen', probeSince: number }

export type Verdict = 'call' | 'probe' | 'skip'

export const CLOSED: BreakerState = { mode: 'closed', failures: 0 }

/** May this query ask the enterprise? A probe is the one query let through after the open period. */
export function decide (state: BreakerState, now: number, rules: BreakerRules): { verdict: Verdict, next: BreakerState } {
  switch (state.mode) {
    case 'closed': return { verdict: 'call', next: state }
    case 'open':
      return now >= state.until
        ? { verdict: 'probe', next: { mode: 'halfOpen', probeSince: now } }
        : { verdict: 'skip', next: state }
    case 'halfOpen':
      return now - state.probeSince >= rules.probeTimeoutMs
        ? { verdict: 'probe', next: { mode: 'halfOpen', probeSince: now } }
        : { verdict: 'skip', next: state }
  }
}

/** The state after an answer (ok) or a failure; `opened`/`closed` say whether to tell the other containers. */
export function settle (state: BreakerState, ok: boolean, probe: boolean, now: number, rules: BreakerRules):
{ next: BreakerState, opened: boolean, closed: boolean } {
  if (ok) return { next: CLOSED, opened: false, closed: state.mode !== 'closed' }
  const open = (): { next: BreakerState, opened: boolean, closed: boolean } =>
    ({ next: { mode: 'open', until: now + rules.openMs }, opened: true, closed: false })
  if (probe) return open()
  if (state.mode !== 'closed') return { next: state, opened: false, closed: false } // a late failure of a call made before opening
  const failures = state.failures + 1
  return failures >= rules.failuresToOpen ? open() : { next: { mode: 'closed', failures }, opened: false, closed: false }
}

/** Another container's verdict: an open period seen in the shared store opens (or lengthens) ours. */
export function adopt (state: BreakerState, sharedUntil: number | undefined, now: number): BreakerState {
  if (sharedUntil === undefined || sharedUntil <= now) return state
  if (state.mode === 'closed') return { mode: 'open', until: sharedUntil }
  if (state.mode === 'open' && state.until < sharedUntil) return { mode: 'open', until: sharedUntil }
  return state
}

/** One container's breakers for all enterprises, kept in step with the shared store. */
export class EnterpriseBreakers {
  private readonly states = new Map<string, BreakerState>()
  private lastRefresh = -Infinity
  private refreshing: Promise<void> | undefined

  constructor (
    private readonly clock: Clock,
    private readonly store: BreakerStore | undefined,
    private readonly enterpriseIds: readonly string[] = [],
    readonly rules: BreakerRules = POLICY.enterprise.breaker
  ) {}

  state (enterpriseId: string): BreakerState {
    return this.states.get(enterpriseId) ?? CLOSED
  }

  /**
   * Reads the shared state at most once per refreshMs; a store failure leaves the local state as it is.
   * The enterprises are the query's (the configuration may have grown since the container started).
   */
  refresh (enterpriseIds: readonly string[] = this.enterpriseIds): Promise<void> {
    const now = this.clock.now()
    if (!this.store || now - this.lastRefresh < this.rules.refreshMs) return this.refreshing ?? Promise.resolve()
    this.lastRefresh = now
    this.refreshing = this.store.openUntil(enterpriseIds).then(shared => {
      const at = this.clock.now()
      for (const id of enterpriseIds) this.states.set(id, adopt(this.state(id), shared[id], at))
    }, () => {}).finally(() => { this.refreshing = undefined })
    return this.refreshing
  }

  admit (enterpriseId: string): Verdict {
    const { verdict, next } = decide(this.state(enterpriseId), this.clock.now(), this.rules)
    this.states.set(enterpriseId, next)
    return verdict
  }

  /** Records the outcome of a call or probe; tells the store when the breaker opened or closed. */
  async record (enterpriseId: string, ok: boolean, probe: boolean): Promise<void> {
    const now = this.clock.now()
    const { next, opened, closed } = settle(this.state(enterpriseId), ok, probe, now, this.rules)
    this.states.set(enterpriseId, next)
    // the shared item is an optimisation: if it cannot be written each container finds out alone
    if (opened && next.mode === 'open') await this.store?.open(enterpriseId, next.until, now).catch(() => {})
    if (closed) await this.store?.close(enterpriseId, now).catch(() => {})
  }
}
