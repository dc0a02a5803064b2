// The mocked enterprises: each answers a signed request with account counts from the seed, or with
// counts derived from the number when the seed does not know it. Fault knobs make them slow,
// failing or garbled on demand.
import { createHash } from 'node:crypto'
import * as z from 'zod'
import type { Catalogue } from '#catalogue/index'
import { AccountCountRequest } from '#contract/enterprise'
import type { Clock } from '#ports'
import { NumberNotice, noticeCallbackPath } from '#contract/lifecycle'
import { signedRequestHeaders, type MasterKeys } from '#lib/signing'
import { reply, signedReply, verifyEnterpriseRequest, type MockAnswer } from './signed-endpoint'

export type { MockAnswer }

export const Faults = z.object({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  failRate: z.number().min(0).max(1).default(0),
  malformedRate: z.number().min(0).max(1).default(0),
  /** release notices: confirm after this delay, or never */
  noticeDelayMs: z.number().int().min(0).max(600_000).default(20),
  noticeOutcome: z.enum(['confirm', 'never']).default('confirm')
})
export type Faults = z.input<typeof Faults>

export interface MockEnterprisesConfig {
  catalogue: Catalogue
  /** asked at every request, so a key rotation reaches the mock as it reaches the caller */
  masterKeys: () => MasterKeys | Promise<MasterKeys>
  clock: Clock
  /** phone → app id → count */
  bindings: Record<string, Record<string, number>>
  /** phone → app id → binding dates: the count is their number, and a "since" request counts those after it */
  bindingDates?: Record<string, Record<string, string[]>>
  faults?: Record<string, Faults>
  random?: () => number
}

/** answers remembered per request id (idempotency), oldest forgotten first */
const REMEMBERED_ANSWERS = 10_000

/** Deterministic 0–3 per (number, app): a stable demo for numbers outside the seed. */
export function derivedCount (phone: string, appId: string): number {
  return createHash('sha256').update(`${phone}:${appId}`).digest()[0]! % 4
}

export class MockEnterprises {
  private faults: Record<string, z.output<typeof Faults>> = {}
  /** requests answered, per enterprise (tests and the benchmark read it) */
  readonly served: Record<string, number> = {}
  /** enterprise + request id → a hash of the body it came with (never the number itself) and the answer given */
  private readonly answered = new Map<string, { bodyHash: string, answer: MockAnswer }>()
  /** release notices received, per enterprise: notice id → times received */
  readonly notices: Record<string, Record<string, number>> = {}
  /** where confirmations go (the API's base URL, set once it listens) */
  apiUrl?: string
  /** confirmations not yet sent: the timer, and the send itself */
  private readonly callbacks = new Map<NodeJS.Timeout, () => Promise<void>>()

  constructor (private readonly config: MockEnterprisesConfig) {
    for (const [id, f] of Object.entries(config.faults ?? {})) this.setFaults(id, f)
  }

  setFaults (enterpriseId: string, faults: Faults): void {
    this.faults[enterpriseId] = Faults.parse(faults)
  }

  clearFaults (): void { this.faults = {} }

  async answer (enterpriseId: string, headers: Record<string, string | string[] | undefined>, body: string): Promise<MockAnswer> {
    const enterprise = this.config.catalogue.enterprises.find(e => e.id === enterpriseId)
    if (!enterprise) return reply(404, { error: 'unknown enterprise' })
    const key = verifyEnterpriseRequest(await this.config.masterKeys(), enterpriseId, headers, body, this.config.clock.now())
    if (!key) return reply(401, { error: 'bad or stale signature' })
    let parsed: AccountCountRequest
    try {
      parsed = AccountCountRequest.parse(JSON.parse(body))
    } catch {
      return reply(400, { error: 'bad request' })
    }
    // the same request id again (a retry): the same answer, never a second computation
    const seen = `${enterpriseId}\0${parsed.requestId}`
    const bodyHash = createHash('sha256').update(body).digest('hex')
    const before = this.answered.get(seen)
    if (before) return before.bodyHash === bodyHash ? before.answer : reply(409, { error: 'request id reused for another request' })

    this.served[enterpriseId] = (this.served[enterpriseId] ?? 0) + 1
    const faults = this.faults[enterpriseId]
    const random = this.config.random ?? Math.random
    if (faults?.latencyMs) await new Promise(resolve => setTimeout(resolve, faults.latencyMs))
    if (faults && random() < faults.failRate) return reply(500, { error: 'simulated failure' })
    if (faults && random() < faults.malformedRate) return signedReply(key, parsed.requestId, 200, '{"accounts":{"oops"')
    const seeded = this.config.bindings[parsed.phone]
    const dated = this.config.bindingDates?.[parsed.phone]
    const accounts = Object.fromEntries(enterprise.apps.map(app =>
      [app.id, dated?.[app.id]?.length ?? (seeded ? seeded[app.id] ?? 0 : derivedCount(parsed.phone, app.id))]))
    // bindings without dates are taken as made by the current holder: only dated ones can predate them
    const since = parsed.since === undefined ? undefined : Date.parse(parsed.since)
    const accountsSince = since === undefined
      ? undefined
      : Object.fromEntries(enterprise.apps.map(app => [app.id, dated?.[app.id] ? dated[app.id]!.filter(d => Date.parse(d) >= since).length : accounts[app.id]!]))
    const answer = signedReply(key, parsed.requestId, 200, JSON.stringify({ accounts, ...(accountsSince && { accountsSince }) }))
    this.answered.set(seen, { bodyHash, answer })
    if (this.answered.size > REMEMBERED_ANSWERS) this.answered.delete(this.answered.keys().next().value!)
    return answer
  }

  /** A release notice: 202 at once, then (unless told never to) a signed confirmation to the API. */
  async notice (enterpriseId: string, headers: Record<string, string | undefined>, body: string): Promise<MockAnswer> {
    const enterprise = this.config.catalogue.enterprises.find(e => e.id === enterpriseId)
    if (!enterprise) return reply(404, { error: 'unknown enterprise' })
    const key = verifyEnterpriseRequest(await this.config.masterKeys(), enterpriseId, headers, body, this.config.clock.now())
    if (!key) return reply(401, { error: 'bad or stale signature' })
    let notice: NumberNotice
    try { notice = NumberNotice.parse(JSON.parse(body)) } catch { return reply(400, { error: 'bad request' }) }
    const faults = this.faults[enterpriseId]
    if (faults?.latencyMs) await new Promise(resolve => setTimeout(resolve, faults.latencyMs))
    const seen = this.notices[enterpriseId] ??= {}
    seen[notice.eventId] = (seen[notice.eventId] ?? 0) + 1
    if (faults && (this.config.random ?? Math.random)() < faults.failRate) return reply(500, { error: 'simulated failure' })
    if ((faults?.noticeOutcome ?? 'confirm') === 'confirm' && this.apiUrl) {
      const bound = this.config.bindings[notice.phone]
      const removed = enterprise.apps.reduce((n, app) => n + (bound ? bound[app.id] ?? 0 : derivedCount(notice.phone, app.id)), 0)
      const send = () => this.confirm(enterpriseId, key, notice.eventId, removed)
      const timer = setTimeout(() => { this.callbacks.delete(timer); void send() }, faults?.noticeDelayMs ?? 20)
      this.callbacks.set(timer, send)
    }
    return signedReply(key, notice.eventId, 202, JSON.stringify({ reference: `${enterpriseId}-${notice.eventId.slice(0, 8)}` }))
  }

  private async confirm (enterpriseId: string, key: string, eventId: string, removed: number): Promise<void> {
    const path = noticeCallbackPath(eventId)
    const body = JSON.stringify({ bindingsRemoved: removed, bindingsFrozen: 0 })
    await fetch(this.apiUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedRequestHeaders(enterpriseId, key, 'POST', path, body, this.config.clock.now()) },
      body
    }).catch(() => {})
  }

  /** pending confirmations are dropped when the system stops */
  stop (): void { for (const t of this.callbacks.keys()) clearTimeout(t); this.callbacks.clear() }

  /** sends every pending confirmation now (on Lambda nothing runs after the answer is returned) */
  async confirmNow (): Promise<void> {
    const pending = [...this.callbacks.entries()]
    this.callbacks.clear()
    for (const [timer] of pending) clearTimeout(timer)
    await Promise.all(pending.map(([, send]) => send()))
  }
}

export interface MockNotices {
  notice (enterpriseId: string, headers: Record<string, string | undefined>, body: string): Promise<MockAnswer>
}
