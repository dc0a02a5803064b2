// Resolution cases over the ports: open a case, forward each item to its enterprise, take the
// enterprise's answers, mark late items, and keep the person informed: an update at once, then at most
// one update SMS an hour (the acceptance SMS does not count).
// Every change to a case is a step on its state, written back conditioned on its version.
import { appName, CASE_ID_PATTERN, ITEM_ID_PATTERN, type CaseItemView, type CaseView, type CreateCaseRequest, type CreateCaseResponse } from '#contract/cases'
import { type DisputeCallback, type DisputeCallbackResponse } from '#contract/disputes'
import { maskPhone } from '#contract/index'
import type { Catalogue } from '#catalogue/index'
import type { CaseEffects, CaseItemState, CaseState, CaseStore, Clock, DisputeGateway, DisputeMessage, OutboxMessage, Sealer } from '#ports'
import {
  ANSWER_FROM, applyAnswer, awaitsDelivery, caseUpdateSms, checkNote, deadlinesFrom, dueAt, hashToken, keepsNumber, makeAccessToken, makeTicket, markOverdue, tokenMatches
} from './case-rules'
import { AppError, contended, rateLimited } from './errors'
import { LIMITS, retryAfterSeconds } from './limits'
import { mapLimited, withTries, type Sleep } from './pacing'
import { POLICY } from './policy'
import type { Requester } from './requester'
import { renderSms, type SmsContent, type SmsTemplates } from './sms-templates'
import { idempotent, recentSince, verifyHolder, verifyNumber, waitText, type HolderProof, type VerificationDeps } from './verification'

/** what every step on a case needs */
export interface CaseStepDeps {
  clock: Clock
  cases: CaseStore
  sealer: Sealer
  templates: () => Promise<SmsTemplates>
  smsSignature: string
  enterprises: () => Promise<{ catalogue: Catalogue }>
}

export interface CaseDeps extends VerificationDeps, CaseStepDeps {
  /** public holidays (China dates) that do not count as working days */
  holidays: ReadonlySet<string>
  /** when the current holder got a re-issued number (undefined: not re-issued, or no such record) */
  holderSince?: (phone: string) => Promise<number | undefined>
}

// ---- open a case ----------------------------------------------------------------------------------

type CaseInput = CreateCaseRequest & { requester: Requester, idempotencyKey?: string, callbackBase: string }
type Chosen = { app: Catalogue['apps'][number], kind: CaseItemState['kind'], note?: string }[]

/** `opened`: false when the answer is an earlier request's under the same Idempotency-Key (no new case) */
export interface CreateCaseOutcome { response: CreateCaseResponse, opened: boolean }

export async function createCase (deps: CaseDeps, input: CaseInput): Promise<CreateCaseOutcome> {
  const { catalogue } = await deps.enterprises()
  const chosen = checkRequest(catalogue, input)
  const answered = await opened(deps, input, catalogue, chosen)
  // the token is stored nowhere in clear, not even in the idempotency record: a repeat derives it
  // again (a remembered answer is the only one without it)
  return answered.accessToken
    ? { response: answered, opened: true }
    : { response: { ...answered, accessToken: tokenFor(deps, answered.caseId, input.idempotencyKey) }, opened: false }
}

/** rules on the request first: nothing is tried or counted for a request that cannot succeed */
function checkRequest (catalogue: Catalogue, input: CaseInput): Chosen {
  const fields: Record<string, string> = {}
  if ((input.code === undefined) === (input.queryId === undefined)) fields.code = '请输入6位短信验证码'
  const seen = new Set<string>()
  const chosen = input.items.map((item, i) => {
    const app = catalogue.apps.find(a => a.id === item.appId)
    if (!app) fields[`items.${i}.appId`] = '不支持的应用'
    else if (seen.has(app.id)) fields[`items.${i}.appId`] = '同一应用只能选择一次'
    seen.add(item.appId)
    const note = checkNote(item.note)
    if (!note.ok) fields[`items.${i}.note`] = note.reason
    return { app: app!, kind: item.kind, ...(note.ok && note.note !== undefined && { note: note.note }) }
  })
  // the new holder's unbind is a case of its own: its own acceptance SMS, its own proof
  if (chosen.some(c => c.kind === 'PREVIOUS_HOLDER') && chosen.some(c => c.kind !== 'PREVIOUS_HOLDER')) {
    fields.items = '前任账号解绑请单独提交，不能与其他异议类型混合'
  }
  if (Object.keys(fields).length) throw new AppError('INVALID_INPUT', { fields })
  return chosen
}

/**
 * The access token: 256 random bits, or, under an Idempotency-Key, a keyed hash of that key and the
 * case, so a repeat of the same request (an answer lost on a bad network) gets the same token back
 * without the token ever being stored. The key is the client's choice and need not be secret nor
 * unique for ever: with the caseId (random, ours) in the hash, a key used again for another case
 * gives that case another token.
 */
function tokenFor (deps: CaseDeps, caseId: string, idempotencyKey: string | undefined): string {
  return idempotencyKey === undefined ? makeAccessToken() : deps.hasher.fingerprint(`case-token\0${caseId}\0${idempotencyKey}`)
}

async function opened (deps: CaseDeps, input: CaseInput, catalogue: Catalogue, chosen: Chosen): Promise<CreateCaseResponse> {
  const now = deps.clock.now()
  const request = `case\0${input.phone}\0${input.idSuffix}\0${input.code ?? ''}\0${input.queryId ?? ''}\0${JSON.stringify(input.items)}`
  return idempotent(deps, input.idempotencyKey, request, now, async remember => {
    const recentQuery = input.code === undefined ? await deps.cases.recentQuery(input.queryId!, now) : undefined
    const proof: HolderProof = input.code !== undefined ? { code: input.code } : { recentQuery }
    const previousHolder = chosen.some(c => c.kind === 'PREVIOUS_HOLDER')
    const { phoneHash, codeHash } = await verifyHolder(deps, { phone: input.phone, idSuffix: input.idSuffix, requester: input.requester, proof }, now)
      .then(async verified => {
        // only the current holder of a number flagged re-issued unbinds a previous holder's accounts:
        // anyone else is refused exactly as a wrong ID suffix is (the attempt counted as a verdict)
        if (previousHolder && (await deps.holderSince?.(input.phone)) === undefined) throw new AppError('VERIFICATION_FAILED')
        return verified
      })
      .catch(async (err: unknown) => {
        // A queryId may be seen by others (GET /v1/queries/{id} is public with it): it proves one
        // attempt. A wrong number with it (guessing the hidden digits of 138****5551) or a wrong
        // suffix spends it, so it is no oracle for the number and gives no second verdict against it;
        // the holder asks for a code instead.
        if (recentQuery && recentQuery.caseId === undefined && err instanceof AppError && (err.code === 'CODE_INVALID' || err.code === 'VERIFICATION_FAILED')) {
          await deps.cases.spendQuery(input.queryId!)
        }
        throw err
      })

    const caseId = deps.random.id()
    const ticket = makeTicket(now)
    const accessToken = tokenFor(deps, caseId, input.idempotencyKey)
    const deadlines = deadlinesFrom(now, deps.holidays)
    const hotlines = new Map(catalogue.enterprises.map(e => [e.id, e.guide.hotline]))
    // SMS (catalogue) order, whatever order the person picked them in
    const ordered = catalogue.apps.flatMap(app => chosen.filter(c => c.app.id === app.id))
    const items: CaseItemState[] = ordered.map(c => ({
      itemId: `${caseId}.${c.app.id}`,
      appId: c.app.id,
      enterpriseId: c.app.enterpriseId,
      kind: c.kind,
      ...(c.note !== undefined && { note: c.note }),
      status: 'SUBMITTED',
      submittedAt: now,
      ...deadlines,
      hotline: hotlines.get(c.app.enterpriseId) ?? ''
    }))
    const state: CaseState = {
      caseId,
      ticket,
      phoneHash,
      maskedPhone: maskPhone(input.phone),
      phoneSealed: deps.sealer.seal(input.phone),
      tokenHash: hashToken(accessToken),
      createdAt: now,
      updatedAt: now,
      version: 1,
      items,
      pending: [],
      // the acceptance SMS does not take the hour's slot: the first answer is told within a minute (PRODUCT.md)
      smsCount: 1
    }
    state.dueAt = dueAt(state)
    const disputes: DisputeMessage[] = items.map((item, index) => ({
      itemId: item.itemId,
      caseId,
      enterpriseId: item.enterpriseId,
      index,
      createdAt: now,
      request: {
        itemId: item.itemId,
        phone: input.phone,
        appId: item.appId,
        kind: item.kind,
        ...(item.note !== undefined && { note: item.note }),
        callbackUrl: `${input.callbackBase}/v1/enterprise-callbacks/disputes/${item.itemId}`,
        deadlines: { acknowledgeBy: new Date(item.acknowledgeBy).toISOString(), resolveBy: new Date(item.resolveBy).toISOString() }
      }
    }))
    const answer: CreateCaseResponse = {
      caseId,
      ticket,
      accessToken,
      maskedPhone: state.maskedPhone,
      items: items.map(i => ({ itemId: i.itemId, appId: i.appId, enterpriseId: i.enterpriseId, status: i.status }))
    }
    const outcome = await deps.cases.create({
      state,
      disputes,
      sms: caseSms(state, 1, input.phone, {
        template: previousHolder ? 'casePreviousHolderAccepted' : 'caseAccepted',
        params: { ticket, apps: ordered.map(c => appName(c.app.label)).join('、') }
      }),
      proof: codeHash !== undefined ? { codeHash } : { queryId: input.queryId!, acceptedAfter: recentSince(now) },
      now,
      limits: [{ spec: LIMITS.caseDaily, subject: phoneHash }],
      clears: [verifyNumber(phoneHash)],
      // the access token is shown once: a repeat under the same key gets the case without it
      idempotency: remember && { ...remember, answer: { ...answer, accessToken: '' } }
    })
    if (outcome.ok) return answer
    if ('failed' in outcome) {
      if (outcome.failed === 'PROOF') throw new AppError('CODE_INVALID')
      throw rateLimited(1) // a twin under the same key won: idempotent() answers with its record
    }
    if ('openApps' in outcome) {
      // the same (number, app) is still open in an earlier case
      const names = outcome.openApps.map(id => appName(catalogue.apps.find(a => a.id === id)?.label ?? id))
      throw new AppError('CONFLICT', {
        message: `${names.join('、')}已有处理中的异议申请，请在“我的工单”中查看。`,
        fields: Object.fromEntries(outcome.openApps.map(id => [id, '已有处理中的异议申请']))
      })
    }
    const wait = retryAfterSeconds(outcome.refusals, now)
    if (outcome.refusals.some(r => r.name === 'CASE_DAILY')) {
      throw rateLimited(wait, `每个号码24小时内最多提交${LIMITS.caseDaily.ceiling}次异议申请，请${waitText(wait)}后再试。`)
    }
    throw rateLimited(wait)
  })
}

function caseSms (state: Pick<CaseState, 'caseId'>, n: number, to: string, sms: SmsContent): OutboxMessage {
  return { id: `case-${state.caseId}-${n}`, to, ...sms }
}

// ---- read it (with its token) ---------------------------------------------------------------------

const notFound = () => new AppError('NOT_FOUND', { message: '未找到该工单，可能已过期。' })

export async function viewCase (deps: { cases: CaseStore, clock: Clock }, caseId: string, token: string): Promise<CaseView> {
  if (!CASE_ID_PATTERN.test(caseId)) throw notFound()
  const state = await deps.cases.get(caseId, deps.clock.now())
  // an unknown case and a wrong token look alike
  if (!state || !tokenMatches(token, state.tokenHash)) throw notFound()
  const iso = (t?: number) => t === undefined ? undefined : new Date(t).toISOString()
  return {
    caseId: state.caseId,
    ticket: state.ticket,
    maskedPhone: state.maskedPhone,
    createdAt: iso(state.createdAt)!,
    updatedAt: iso(state.updatedAt)!,
    items: state.items.map((i): CaseItemView => withoutUndefined({
      itemId: i.itemId,
      appId: i.appId,
      enterpriseId: i.enterpriseId,
      kind: i.kind,
      status: i.status,
      submittedAt: iso(i.submittedAt)!,
      forwardedAt: iso(i.forwardedAt),
      acknowledgedAt: iso(i.acknowledgedAt),
      answeredAt: iso(i.answeredAt),
      overdueAt: iso(i.overdueAt),
      acknowledgeBy: iso(i.acknowledgeBy)!,
      resolveBy: iso(i.resolveBy)!,
      action: i.action,
      instructions: i.instructions,
      link: i.link,
      message: i.message,
      hotline: i.status === 'OVERDUE' || i.status === 'REJECTED' ? i.hotline : undefined
    }))
  }
}

// ---- forward one item (stream consumer, and the sweep for what failed) -----------------------------

/**
 * `error`: why the last try failed (never the number: the enterprise client's messages hold none), for
 * the log; `enterpriseId`: whom it was for, unless skipped
 */
export type ForwardOutcome = { status: 'forwarded' | 'retry-later', enterpriseId: string, error?: string } | { status: 'skipped' }

/**
 * Safe to run twice: the dispute row (with the clear number) is deleted in the write that records
 * the delivery, and the enterprise keys on itemId. An answer that arrived before the 202 stays:
 * the item only moves SUBMITTED → FORWARDED. A few tries with backoff; then the sweep tries again
 * until the clear number's hour is up.
 */
export async function forwardDispute (
  deps: { cases: CaseStore, clock: Clock, disputes: DisputeGateway, sleep?: Sleep },
  itemId: string
): Promise<ForwardOutcome> {
  const message = await deps.cases.dispute(itemId, deps.clock.now())
  if (!message || deps.clock.now() - message.createdAt > POLICY.cases.clearNumberMs) return { status: 'skipped' }
  const sent = await withTries({ ...POLICY.cases.dispute, sleep: deps.sleep }, async () => {
    const reference = await deps.disputes.deliver(message.enterpriseId, message.request, AbortSignal.timeout(POLICY.cases.dispute.deadlineMs))
    await deps.cases.markForwarded(message, reference, deps.clock.now())
  })
  if (sent.ok) return { status: 'forwarded', enterpriseId: message.enterpriseId }
  const error = sent.error instanceof Error ? `${sent.error.name}: ${sent.error.message}` : String(sent.error)
  return { status: 'retry-later', enterpriseId: message.enterpriseId, error }
}

// ---- an enterprise answers ------------------------------------------------------------------------

/** The enterprise named by its own key answers for one of its items; anything else is refused. */
export async function answerItem (deps: CaseStepDeps, enterpriseId: string, itemId: string, answer: DisputeCallback): Promise<DisputeCallbackResponse> {
  const ids = ITEM_ID_PATTERN.exec(itemId)
  const unknown = () => new AppError('NOT_FOUND', { message: '未找到该异议事项。' })
  if (!ids) throw unknown()
  const caseId = ids[1]!
  const appId = ids[2]!
  const { catalogue } = await deps.enterprises()
  const label = catalogue.apps.find(a => a.id === appId)?.label ?? appId
  return (await step(deps, caseId, (next, now) => {
    const item = next?.items.find(i => i.appId === appId)
    // another enterprise's item looks exactly like an unknown one
    if (!next || !item || item.enterpriseId !== enterpriseId) throw unknown()
    if (!ANSWER_FROM[answer.status].includes(item.status)) {
      throw new AppError('CONFLICT', { message: `该事项当前状态为${item.status}，不能变为${answer.status}。` })
    }
    // the previous holder's account is unbound from the number, never closed: it is not the asker's
    if (item.kind === 'PREVIOUS_HOLDER' && answer.status === 'RESOLVED' && answer.action === 'CANCELLED') {
      throw new AppError('INVALID_INPUT', { fields: { action: '前任账号解绑只能解除号码绑定（UNBOUND）或未发现（NONE_FOUND），不能注销前任使用者的账号' } })
    }
    const update = applyAnswer(item, answer, next.ticket, label, now)
    if (update) next.pending.push(update)
    return { effects: item.status === 'RESOLVED' || item.status === 'REJECTED' ? { closeApps: [appId] } : {}, result: { itemId, status: item.status } }
  })).result
}

// ---- the deadline sweep ---------------------------------------------------------------------------

/** per enterprise, only those with something to count: items marked OVERDUE, disputes delivered and still not */
export interface EnterpriseSweep { overdue: number, forwarded: number, deferred: number }

export interface SweepOutcome {
  cases: number
  overdue: number
  smsQueued: number
  dropped: number
  forwarded: number
  deferred: number
  enterprises: Record<string, EnterpriseSweep>
}

/** Late items become OVERDUE, held updates go out when the hour is up, clear numbers past their hour go; then undelivered disputes are tried again. */
export async function sweepCases (deps: CaseStepDeps & { disputes: DisputeGateway }, limit = 100, rounds = 20): Promise<SweepOutcome> {
  const out: SweepOutcome = { cases: 0, overdue: 0, smsQueued: 0, dropped: 0, forwarded: 0, deferred: 0, enterprises: {} }
  const tallyOf = (enterpriseId: string) => (out.enterprises[enterpriseId] ??= { overdue: 0, forwarded: 0, deferred: 0 })
  const { catalogue } = await deps.enterprises()
  const label = (appId: string) => catalogue.apps.find(a => a.id === appId)?.label ?? appId
  const seen = new Set<string>()
  // page through what is due: each case handled moves its dueAt on, so the next query shows the next ones
  for (let round = 0; round < rounds; round++) {
    const due = (await deps.cases.due(deps.clock.now(), limit)).filter(id => !seen.has(id))
    for (const caseId of due) {
      seen.add(caseId)
      const tally = await step(deps, caseId, (next, now) => {
        if (!next) return { result: undefined }
        const effects: CaseEffects = {}
        const overdue: string[] = []
        for (const item of next.items) {
          if (awaitsDelivery(item) && now - item.submittedAt > POLICY.cases.clearNumberMs) {
            // the forward kept failing (or its 202 never came, even if the enterprise answered): the
            // clear number goes; the deadlines still run
            item.deliveryFailedAt = now
            ;(effects.dropDisputes ??= []).push(item.itemId)
          }
          const update = markOverdue(item, next.ticket, label(item.appId), now)
          if (update) { next.pending.push(update); overdue.push(item.enterpriseId) }
        }
        return { effects, result: { overdue, dropped: effects.dropDisputes?.length ?? 0 } }
      })
      if (!tally.result) continue
      out.cases++
      out.overdue += tally.result.overdue.length
      for (const enterpriseId of tally.result.overdue) tallyOf(enterpriseId).overdue++
      out.dropped += tally.result.dropped
      if (tally.sms) out.smsQueued++
    }
    if (due.length < limit) break
  }
  // disputes still undelivered get another round last: an enterprise that hangs on every try (seconds
  // each) may use up the run, but never before the deadlines and the clear-number drops above are done
  // (8 at once, as the notice sweep: one hanging enterprise holds up only its own disputes)
  await mapLimited(await deps.cases.pendingDisputes(), 8, async itemId => {
    const sent = await forwardDispute(deps, itemId)
    if (sent.status === 'forwarded') { out.forwarded++; tallyOf(sent.enterpriseId).forwarded++ }
    if (sent.status === 'retry-later') { out.deferred++; tallyOf(sent.enterpriseId).deferred++ }
  })
  return out
}

// ---- one step on a case ---------------------------------------------------------------------------

/**
 * Reads the case, lets `change` mutate a copy, then: sends the held updates when the hour's slot is
 * free, drops the sealed number once no SMS can follow, sets the next due time, and writes the row
 * back if nobody wrote it since; a lost race reads again.
 */
async function step<R> (
  deps: CaseStepDeps,
  caseId: string,
  change: (next: CaseState | undefined, now: number) => { effects?: CaseEffects, result: R }
): Promise<{ result: R, sms: boolean }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    if (attempt) await new Promise(resolve => setTimeout(resolve, Math.random() * 15 * (attempt + 1)))
    const now = deps.clock.now()
    const prev = await deps.cases.get(caseId, now)
    const next = prev && structuredClone(prev)
    const { effects = {}, result } = change(next, now)
    if (!prev || !next) return { result, sms: false }
    if (next.pending.length && (next.lastSmsAt === undefined || now >= next.lastSmsAt + POLICY.cases.smsIntervalMs)) {
      if (next.phoneSealed !== undefined) {
        const templates = await deps.templates()
        // the updates' own text, without the signature the whole SMS gets once
        const sms = caseUpdateSms(next, s => renderSms(templates, s, ''))!
        next.smsCount++
        effects.sms = caseSms(next, next.smsCount, deps.sealer.open(next.phoneSealed), sms)
        next.lastSmsAt = now
      }
      next.pending = []
    }
    if (next.phoneSealed !== undefined && !keepsNumber(next, now)) delete next.phoneSealed
    next.dueAt = dueAt(next)
    const changed = JSON.stringify(next) !== JSON.stringify(prev) || effects.sms !== undefined
    // nothing happened (a stale index entry): leave the row, and its 180 days, alone
    if (!changed) return { result, sms: false }
    next.updatedAt = now
    next.version = prev.version + 1
    if (await deps.cases.save(next, prev.version, effects, now) === 'ok') return { result, sms: effects.sms !== undefined }
  }
  throw contended()
}

function withoutUndefined<T extends object> (o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
