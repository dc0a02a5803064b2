// The rules of a resolution case, free of storage and HTTP: tickets, tokens, notes, deadlines, which
// enterprise answer may move an item where, and the SMS each change sends.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { appName, TICKET_ALPHABET, type ItemStatus, type ResolveAction } from '#contract/cases'
import { noteHasLink, REFUSALS } from '#contract/index'
import { type DisputeCallback } from '#contract/disputes'
import type { CaseItemState, CaseState, PendingCaseSms } from '#ports'
import { chinaDate } from './china-time'
import { POLICY } from './policy'
import type { SmsContent } from './sms-templates'
import { addWorkingDays } from './working-days'

/** YZT-YYYYMMDD-XXXXXX: the China date and six characters without look-alikes (no I, O, 0, 1) */
export function makeTicket (now: number, pick: (n: number) => number = randomInt): string {
  let tail = ''
  for (let i = 0; i < 6; i++) tail += TICKET_ALPHABET[pick(TICKET_ALPHABET.length)]
  return `YZT-${chinaDate(now).replace(/-/g, '')}-${tail}`
}

/** 256 random bits; only its SHA-256 is stored (a high-entropy secret needs no pepper) */
export function makeAccessToken (): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken (token: string): string {
  return createHash('sha256').update(`case-token\0${token}`).digest('base64url')
}

export function tokenMatches (token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token))
  const b = Buffer.from(storedHash)
  return a.length === b.length && timingSafeEqual(a, b)
}


export type NoteCheck = { ok: true, note?: string } | { ok: false, reason: string }

/** Free text, so: no links, and digit runs of 7 or more (numbers, ID numbers, cards) masked before storing. */
export function checkNote (input: string | undefined): NoteCheck {
  // control characters (line breaks included) become spaces: the note travels as one line; invisible
  // and direction-changing characters go (they could hide a number from the masking or reorder text)
  const note = input?.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ').replace(/\p{Cf}/gu, '').trim()
  if (!note) return { ok: true }
  // the contract's link rule, the mini-program's too; the note keeps the person's own characters
  if (noteHasLink(note)) return { ok: false, reason: REFUSALS.noteLink }
  // full-width digits are digits too, and a number typed in groups (139-1234-5678) is still a number
  return { ok: true, note: note.replace(DIGIT_RUN, run => run.replace(/\p{Nd}/gu, '*')) }
}

/**
 * 7 or more digits (of any script: full width, ١٢٣ too), single separators between them allowed: 13912345678,
 * 139-1234-5678, 139 1234 5678, 139.1234.5678, ６２２２－０２１２. Two separators in a row end the run.
 */
const DIGIT_RUN = /\p{Nd}(?:[ \u3000\-\u2010-\u2015\u2212\uFF0D.\uFF0E·]?\p{Nd}){6,}/gu

export interface Deadlines { acknowledgeBy: number, resolveBy: number }

export function deadlinesFrom (submittedAt: number, holidays: ReadonlySet<string>): Deadlines {
  return {
    acknowledgeBy: submittedAt + POLICY.cases.acknowledgeHours * 3600_000,
    resolveBy: addWorkingDays(submittedAt, POLICY.cases.resolveWorkingDays, holidays)
  }
}

/** States an enterprise answer may come from: only forward, and a late answer after OVERDUE still counts. */
export const ANSWER_FROM: Record<DisputeCallback['status'], readonly ItemStatus[]> = {
  ACKNOWLEDGED: ['SUBMITTED', 'FORWARDED'],
  NEEDS_USER_ACTION: ['SUBMITTED', 'FORWARDED', 'ACKNOWLEDGED', 'OVERDUE'],
  RESOLVED: ['SUBMITTED', 'FORWARDED', 'ACKNOWLEDGED', 'NEEDS_USER_ACTION', 'OVERDUE'],
  REJECTED: ['SUBMITTED', 'FORWARDED', 'ACKNOWLEDGED', 'NEEDS_USER_ACTION', 'OVERDUE']
}

/**
 * What the sweep watches an item for next: the acknowledgement deadline before an answer, the
 * resolution deadline after it; nothing once the enterprise has answered for good, waits for the
 * person (NEEDS_USER_ACTION) or the item is already overdue.
 */
export function nextDue (item: Pick<CaseItemState, 'status' | 'acknowledgeBy' | 'resolveBy'>): number | undefined {
  if (item.status === 'SUBMITTED' || item.status === 'FORWARDED') return item.acknowledgeBy
  if (item.status === 'ACKNOWLEDGED') return item.resolveBy
  return undefined
}

const OUTCOME: Record<ResolveAction, (n: number) => string> = {
  UNBOUND: n => `解绑账号${n}个`,
  CANCELLED: n => `注销账号${n}个`,
  NONE_FOUND: () => '未发现该号码注册的账号'
}

// in an SMS parameter: a scheme or www. up to the next space, or a name under a common top-level domain
const SMS_LINK = /(?:https?:\/\/|www\.)\S*|[\p{L}\p{N}.-]+\.(?:com|cn|net|org|top|xyz|io|cc|me|info|vip|shop|site)(?![\p{L}\p{N}])\S*/giu
// brackets of every width: 【…】 is how an SMS signature looks, so none may appear inside a parameter
const SMS_BRACKETS = /[【】〖〗〔〕[\]()<>《》「」『』{}]/g

/**
 * Replaces what `pattern` (global) finds in the folded (NFKC) form of `text`, judged character by
 * character, in the text itself: full-width look-alikes are caught while the text keeps its own
 * characters (a Chinese comma stays a Chinese comma).
 */
function replaceFolded (text: string, pattern: RegExp, replacement: string): string {
  const chars = Array.from(text)
  const owner: number[] = []
  let folded = ''
  chars.forEach((c, i) => {
    const f = c.normalize('NFKC')
    folded += f
    for (let k = 0; k < f.length; k++) owner.push(i)
  })
  let out = ''
  let last = 0
  for (const m of folded.matchAll(pattern)) {
    if (m[0].length === 0) continue
    const start = owner[m.index]!
    if (start < last) continue
    out += chars.slice(last, start).join('') + replacement
    last = owner[m.index + m[0].length - 1]! + 1
  }
  return out + chars.slice(last).join('')
}

/**
 * An enterprise's reason, made safe for an SMS parameter: one line, short, no links, no long digit
 * runs, no brackets, no invisible or direction-changing characters. Brackets, links and digits are
 * judged on the folded (NFKC) form, so full-width letters and brackets count as the ASCII ones;
 * invisible characters and brackets go first so that what they separated is judged joined.
 */
export function smsReason (message: string): string {
  let clean = message.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ').replace(/\p{Cf}/gu, '')
  clean = replaceFolded(clean, SMS_BRACKETS, '')
  clean = replaceFolded(clean, SMS_LINK, '')
  clean = replaceFolded(clean, DIGIT_RUN, '***').trim()
  return (clean || '未说明原因').slice(0, 30)
}

/** Applies an enterprise's answer to the item (mutating it); the SMS update it causes, if any. */
export function applyAnswer (item: CaseItemState, answer: DisputeCallback, ticket: string, appLabel: string, now: number): PendingCaseSms | undefined {
  const app = appName(appLabel)
  item.status = answer.status
  const update = (sms: SmsContent): PendingCaseSms => ({ appId: item.appId, sms })
  switch (answer.status) {
    case 'ACKNOWLEDGED':
      item.acknowledgedAt = now
      return undefined
    case 'RESOLVED':
      item.answeredAt = now
      item.action = answer.action
      return update({ template: 'caseResolved', params: { ticket, app, outcome: OUTCOME[answer.action](answer.accountsAffected) } })
    case 'NEEDS_USER_ACTION':
      item.answeredAt = now
      item.instructions = answer.instructions
      item.link = answer.link
      return update({ template: 'caseNeedsAction', params: { ticket, app } })
    case 'REJECTED':
      item.answeredAt = now
      item.reasonCode = answer.reasonCode
      item.message = answer.message
      return update({ template: 'caseRejected', params: { ticket, app, reason: smsReason(answer.message), hotline: item.hotline } })
  }
}

/** The item is late at `now`: OVERDUE, and the update telling the person whom to call. */
export function markOverdue (item: CaseItemState, ticket: string, appLabel: string, now: number): PendingCaseSms | undefined {
  const due = nextDue(item)
  if (due === undefined || due > now) return undefined
  item.status = 'OVERDUE'
  item.overdueAt = now
  return { appId: item.appId, sms: { template: 'caseOverdue', params: { ticket, app: appName(appLabel), hotline: item.hotline } } }
}

/**
 * The updates waiting for the hourly slot as one SMS: one update goes as its own template, word for
 * word; several go as caseUpdates, each without its ticket prefix and full stop, joined by "；", in
 * the case's (SMS) order whatever order they came in.
 */
export function caseUpdateSms (state: Pick<CaseState, 'ticket' | 'items' | 'pending'>, render: (sms: SmsContent) => string): SmsContent | undefined {
  if (state.pending.length === 0) return undefined
  if (state.pending.length === 1) return state.pending[0]!.sms
  const rank = (appId: string) => state.items.findIndex(i => i.appId === appId)
  const prefix = `工单${state.ticket}：`
  const updates = [...state.pending].sort((a, b) => rank(a.appId) - rank(b.appId))
    .map(p => render(p.sms).replace(prefix, '').replace(/。$/, ''))
  return { template: 'caseUpdates', params: { ticket: state.ticket, updates: updates.join('；') } }
}

/** the case keeps the sealed number while an SMS may still follow: an item not yet final, within 30 days */
export function keepsNumber (state: Pick<CaseState, 'items' | 'pending' | 'createdAt'>, now: number): boolean {
  if (state.pending.length > 0) return true
  if (now - state.createdAt > POLICY.cases.openGuardDays * 24 * 3600_000) return false
  return state.items.some(i => i.status !== 'RESOLVED' && i.status !== 'REJECTED')
}

/**
 * The item's dispute (the number in clear) may still be in the outbox: its 202 was never recorded,
 * whatever the item's status (an enterprise may answer before its 202 arrives, or its 202 never does).
 */
export function awaitsDelivery (item: Pick<CaseItemState, 'forwardedAt' | 'deliveryFailedAt'>): boolean {
  return item.forwardedAt === undefined && item.deliveryFailedAt === undefined
}

/** the earliest moment the sweep has something to do for this case */
export function dueAt (state: Pick<CaseState, 'items' | 'pending' | 'lastSmsAt' | 'phoneSealed' | 'createdAt'>): number | undefined {
  const times: number[] = []
  // held updates go when the hour since the last update SMS is up (at once when none went yet)
  if (state.pending.length) times.push((state.lastSmsAt ?? 0) + POLICY.cases.smsIntervalMs)
  for (const item of state.items) {
    const due = nextDue(item)
    if (due !== undefined) times.push(due)
    if (awaitsDelivery(item)) times.push(item.submittedAt + POLICY.cases.clearNumberMs)
  }
  // the sealed number goes after 30 days even when the case is quiet
  if (state.phoneSealed !== undefined) times.push(state.createdAt + POLICY.cases.openGuardDays * 24 * 3600_000)
  return times.length ? Math.min(...times) : undefined
}
