// The mocked enterprises: each answers a signed request with account counts from the seed, or with
// counts derived from the number when the seed does not know it. Fault knobs make them slow,
// failing or garbled on demand.
import { createHash } from 'node:crypto'
import * as z from 'zod'
import type { Catalogue } from '#catalogue/index'
import { AccountCountRequest } from '#contract/enterprise'
import type { Clock } from '#ports'
import { NumberNotice, noticeCallbackPath } from '#contract/lifecycle'
import { CASE_PATHS } from '#contract/cases'
import { DisputeRequest, type DisputeCallback } from '#contract/disputes'
import { enterpriseKey, signedRequestHeaders, type MasterKeys } from '#lib/signing'
import { ALERT_PATHS, BindingEventsResponse, SubscriptionsPage } from '#contract/alerts'
import { bindingHmac } from '#domain/alerts'
import { reply, signedReply, verifyEnterpriseRequest, type MockAnswer } from './signed-endpoint'

export type { MockAnswer }

export const Faults = z.object({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  failRate: z.number().min(0).max(1).default(0),
  malformedRate: z.number().min(0).max(1).default(0),
  /** release notices: confirm after this delay, or never */
  noticeDelayMs: z.number().int().min(0).max(600_000).default(20),
  noticeOutcome: z.enum(['confirm', 'never']).default('confirm'),
  /**
   * disputes (resolution cases): acknowledge after disputeAckDelayMs, then answer after
   * disputeDelayMs with disputeOutcome; `never` answers nothing at all, `acknowledge` only
   * acknowledges. disputeAnswerTwice sends the final answer again; disputeAnswerForeign also answers,
   * with this enterprise's key, for an item another enterprise holds (both must be refused)
   */
  disputeAckDelayMs: z.number().int().min(0).max(600_000).default(20),
  disputeDelayMs: z.number().int().min(0).max(600_000).default(60),
  disputeOutcome: z.enum(['resolve', 'needs-action', 'reject', 'acknowledge', 'never']).default('resolve'),
  disputeAnswerTwice: z.boolean().default(false),
  disputeAnswerForeign: z.boolean().default(false)
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
  /** disputes received, per enterprise: item id → times received */
  readonly disputes: Record<string, Record<string, number>> = {}
  /** the disputes as received (the clear number included, as the enterprise holds it) */
  readonly disputeRequests = new Map<string, DisputeRequest>()
  /** when each dispute first arrived (epoch ms, this process's clock): the bench reads it */
  readonly disputeArrivals = new Map<string, number>()
  /** every dispute callback sent and the HTTP status it got back */
  readonly disputeAnswers: { enterpriseId: string, itemId: string, status: DisputeCallback['status'], httpStatus: number }[] = []
  private lastCallbackAt = 0
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

  /**
   * The edge every mocked endpoint has, as a real enterprise's must: its own enterprise, our request
   * signed with its key (current or previous), a body of the endpoint's schema; else the refusal.
   */
  private async received<T> (
    enterpriseId: string, headers: Record<string, string | string[] | undefined>, body: string, schema: { parse (input: unknown): T }
  ): Promise<{ enterprise: Catalogue['enterprises'][number], key: string, message: T } | MockAnswer> {
    const enterprise = this.config.catalogue.enterprises.find(e => e.id === enterpriseId)
    if (!enterprise) return reply(404, { error: 'unknown enterprise' })
    const key = verifyEnterpriseRequest(await this.config.masterKeys(), enterpriseId, headers, body, this.config.clock.now())
    if (!key) return reply(401, { error: 'bad or stale signature' })
    try {
      return { enterprise, key, message: schema.parse(JSON.parse(body)) }
    } catch {
      return reply(400, { error: 'bad request' })
    }
  }

  async answer (enterpriseId: string, headers: Record<string, string | string[] | undefined>, body: string): Promise<MockAnswer> {
    const received = await this.received(enterpriseId, headers, body, AccountCountRequest)
    if ('status' in received) return received
    const { enterprise, key, message: parsed } = received
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
    const received = await this.received(enterpriseId, headers, body, NumberNotice)
    if ('status' in received) return received
    const { enterprise, key, message: notice } = received
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

  /**
   * A dispute: 202 with a reference at once; then, per the enterprise's knobs, an acknowledgement and
   * an answer to the callback URL the dispute names (its callbackUrl), signed with this enterprise's own key.
   */
  async dispute (enterpriseId: string, headers: Record<string, string | undefined>, body: string): Promise<MockAnswer> {
    const received = await this.received(enterpriseId, headers, body, DisputeRequest)
    if ('status' in received) return received
    const { enterprise, key, message: dispute } = received
    if (!enterprise.apps.some(a => a.id === dispute.appId)) return reply(400, { error: 'not our app' })
    const faults = Faults.parse(this.faults[enterpriseId] ?? {})
    const seen = this.disputes[enterpriseId] ??= {}
    seen[dispute.itemId] = (seen[dispute.itemId] ?? 0) + 1
    if ((this.config.random ?? Math.random)() < faults.failRate) return reply(500, { error: 'simulated failure' })
    // a repeat of a dispute already taken: the same reference, and no second round of answers.
    // Answers are on their way before the 202 leaves: with latencyMs they can overtake it
    if (!this.disputeRequests.has(dispute.itemId)) {
      this.disputeArrivals.set(dispute.itemId, Date.now())
      this.disputeRequests.set(dispute.itemId, dispute)
      this.answerDispute(enterpriseId, key, dispute, faults)
    }
    if (faults.latencyMs) await new Promise(resolve => setTimeout(resolve, faults.latencyMs))
    return signedReply(key, dispute.itemId, 202, JSON.stringify({ reference: `${enterpriseId}-${dispute.itemId.slice(0, 8)}-${dispute.appId}` }))
  }

  private answerDispute (enterpriseId: string, key: string, dispute: DisputeRequest, faults: z.output<typeof Faults>): void {
    if (faults.disputeOutcome === 'never') return
    const later = (ms: number, answer: DisputeCallback, itemId = dispute.itemId, then?: () => void) => {
      const send = async () => { await this.callBack(enterpriseId, key, itemId, answer); then?.() }
      const timer = setTimeout(() => { this.callbacks.delete(timer); void send() }, ms)
      this.callbacks.set(timer, send)
    }
    const bound = this.config.bindings[dispute.phone]
    const accounts = bound ? bound[dispute.appId] ?? 0 : derivedCount(dispute.phone, dispute.appId)
    const final: DisputeCallback | undefined = {
      resolve: accounts === 0
        ? { status: 'RESOLVED' as const, accountsAffected: 0, action: 'NONE_FOUND' as const }
        : { status: 'RESOLVED' as const, accountsAffected: accounts, action: dispute.kind === 'NO_LONGER_USED' ? 'CANCELLED' as const : 'UNBOUND' as const },
      'needs-action': { status: 'NEEDS_USER_ACTION' as const, instructions: '请在App“我的-设置-账号与安全”中完成人脸核验后继续处理。', link: `https://example.com/${enterpriseId}/verify` },
      reject: { status: 'REJECTED' as const, reasonCode: 'OWNER_VERIFIED', message: '该账号已通过本人实名核验，如有疑问请联系客服' },
      acknowledge: undefined
    }[faults.disputeOutcome]
    // the acknowledgement first; the answer (and any misbehaviour) once it has been taken
    later(faults.disputeAckDelayMs, { status: 'ACKNOWLEDGED' }, dispute.itemId, () => {
      if (!final) return
      const at = Math.max(0, faults.disputeDelayMs - faults.disputeAckDelayMs)
      later(at, final, dispute.itemId, () => { if (faults.disputeAnswerTwice) later(0, final) })
      if (faults.disputeAnswerForeign) {
        // an item of another enterprise, answered with this enterprise's key: the API must refuse it
        const foreign = [...this.disputeRequests.keys()].find(id => !enterprise(id))
        if (foreign) later(at, final, foreign)
      }
    })
    const enterprise = (itemId: string) => this.disputes[enterpriseId]?.[itemId] !== undefined
  }

  private async callBack (enterpriseId: string, key: string, itemId: string, answer: DisputeCallback): Promise<void> {
    // where the dispute said to call back (as a real enterprise must), signed over that URL's path
    const given = this.disputeRequests.get(itemId)?.callbackUrl
    const target = URL.parse(given ?? '') ?? (this.apiUrl ? URL.parse(this.apiUrl + CASE_PATHS.disputeCallback(itemId)) : null)
    if (!target) { this.disputeAnswers.push({ enterpriseId, itemId, status: answer.status, httpStatus: 0 }); return }
    const path = target.pathname + target.search
    const body = JSON.stringify(answer)
    // a fresh timestamp per request, as any client's clock gives (a stopped test clock must not turn a second answer into a replay)
    this.lastCallbackAt = Math.max(this.config.clock.now(), this.lastCallbackAt + 1)
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedRequestHeaders(enterpriseId, key, 'POST', path, body, this.lastCallbackAt) },
      body
    }).catch(() => undefined)
    await res?.arrayBuffer().catch(() => undefined)
    this.disputeAnswers.push({ enterpriseId, itemId, status: answer.status, httpStatus: res?.status ?? 0 })
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

  /** binding alerts: each enterprise's synced set of subscribed HMACs, as a real enterprise keeps it */
  readonly subscriptions: Record<string, Set<string>> = {}

  /** a signed call to our API as this enterprise, with a fresh timestamp */
  private async callApi (enterpriseId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number, json: unknown }> {
    const key = enterpriseKey((await this.config.masterKeys()).current, enterpriseId)
    const text = body === undefined ? '' : JSON.stringify(body)
    this.lastCallbackAt = Math.max(this.config.clock.now(), this.lastCallbackAt + 1)
    const res = await fetch(this.apiUrl + path, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...signedRequestHeaders(enterpriseId, key, method, path, text, this.lastCallbackAt) },
      ...(body !== undefined && { body: text })
    })
    return { status: res.status, json: await res.json().catch(() => undefined) }
  }

  /** the sync an enterprise runs: every page, signed, replacing its set */
  async syncSubscriptions (enterpriseId: string): Promise<Set<string>> {
    const set = new Set<string>()
    let cursor: string | undefined
    do {
      const res = await this.callApi(enterpriseId, 'GET', ALERT_PATHS.subscriptions + (cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''))
      const page = SubscriptionsPage.parse(res.json)
      for (const s of page.subscriptions) set.add(s.hmac)
      cursor = page.nextCursor
    } while (cursor)
    this.subscriptions[enterpriseId] = set
    return set
  }

  /**
   * A new binding of `phone` to one of the enterprise's apps: reported (signed) only when the number's
   * HMAC under the enterprise's key is in its synced set, as the protocol asks.
   */
  async bind (enterpriseId: string, appId: string, phone: string, eventId = `bind-${++this.bindings}`): Promise<'reported' | 'not-subscribed'> {
    const set = this.subscriptions[enterpriseId] ?? await this.syncSubscriptions(enterpriseId)
    const key = enterpriseKey((await this.config.masterKeys()).current, enterpriseId)
    if (!set.has(bindingHmac(key, phone))) return 'not-subscribed'
    const res = await this.callApi(enterpriseId, 'POST', ALERT_PATHS.bindingEvents, {
      events: [{ eventId, phone, appId, boundAt: new Date(this.config.clock.now()).toISOString() }]
    })
    if (res.status !== 200) throw new Error(`binding event refused: ${res.status}`)
    BindingEventsResponse.parse(res.json)
    return 'reported'
  }

  private bindings = 0

  /** pending confirmations are dropped when the system stops */
  stop (): void { for (const t of this.callbacks.keys()) clearTimeout(t); this.callbacks.clear() }

  /** sends every pending confirmation now (on Lambda nothing runs after the answer is returned) */
  async confirmNow (): Promise<void> {
    // a sent answer may schedule the next (the acknowledgement, then the answer): until none is left
    while (this.callbacks.size) {
      const pending = [...this.callbacks.entries()]
      this.callbacks.clear()
      for (const [timer] of pending) clearTimeout(timer)
      await Promise.all(pending.map(([, send]) => send()))
    }
  }
}

export interface MockNotices {
  notice (enterpriseId: string, headers: Record<string, string | undefined>, body: string): Promise<MockAnswer>
}
