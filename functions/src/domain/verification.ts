// Sending a code and accepting a query: the rules of §3, expressed over the ports. Every limit is
// counted per number, per requester and per source network (./limits), so that a stranger, even
// from many addresses, cannot stop the holder of the phone (SECURITY.md §2–3).
import { timingSafeEqual } from 'node:crypto'
import { maskPhone, type SendCodeResponse, type SubmitQueryResponse } from '#contract/index'
import type { CarrierAnswer, CarrierGateway, Clock, Hasher, IdempotencyRecord, Random, VerificationStore } from '#ports'
import { AppError, rateLimited } from './errors'
import { LIMITS, allowedAt, retryAfterSeconds, type LimitCheck, type LimitName, type Refusal } from './limits'
import { POLICY } from './policy'
import type { Requester } from './requester'
import { codeSms } from './sms-templates'

export interface VerificationDeps {
  clock: Clock
  random: Random
  hasher: Hasher
  carrier: CarrierGateway
  verification: VerificationStore
}

export const verifyNumber = (phoneHash: string): LimitCheck => ({ spec: LIMITS.verifyNumber, subject: phoneHash })
const verifySource = (requester: Requester): LimitCheck => ({ spec: LIMITS.verifySource, subject: requester.source })

/** the limits whose refusal concerns the number itself, whoever asks */
const NUMBER_CODE_LIMITS = [LIMITS.codeCooldown, LIMITS.codeNumberHourly, LIMITS.codeNumberDaily]

/**
 * Code requests count per number (the SMS-bombing ceiling) and per source. Not per requester: the
 * code goes to the phone whoever asked for it, so the owner holds every code strangers trigger,
 * and a code outlives a spent ceiling (codeExpiresAt).
 */
function codeLimits (phoneHash: string, requester: Requester): LimitCheck[] {
  return [
    ...NUMBER_CODE_LIMITS.map(spec => ({ spec, subject: phoneHash })),
    { spec: LIMITS.codeSourceHourly, subject: requester.source }
  ]
}

/**
 * A code lives 5 minutes, or until its number may get another one when that is later: when
 * strangers have spent the number's code ceiling, the newest code on the owner's phone keeps working.
 */
function codeExpiresAt (logs: ReadonlyMap<LimitName, readonly number[]>, now: number): number {
  const nextCode = Math.max(...NUMBER_CODE_LIMITS.map(spec => allowedAt(spec, logs.get(spec.name) ?? [], now)))
  return Math.min(now + POLICY.code.maxLifeSeconds * 1000, Math.max(now + POLICY.code.ttlSeconds * 1000, nextCode))
}

/** The one place the carriers' real-name records are asked (the carrier port: table or carrier HTTP). */
export function lookUpSubscriber (deps: Pick<VerificationDeps, 'carrier'>, phone: string, idSuffix?: string): Promise<CarrierAnswer | undefined> {
  return deps.carrier.check(phone, idSuffix)
}

/**
 * Every number gets the same answer and the same writes; only an active subscriber whose
 * verification is not locked for longer than a code lives gets the SMS.
 */
export async function requestCode (
  deps: VerificationDeps,
  input: { phone: string, requester: Requester, idempotencyKey?: string }
): Promise<SendCodeResponse> {
  const now = deps.clock.now()
  return idempotent(deps, input.idempotencyKey, `code\0${input.phone}`, now, async remember => {
    const phoneHash = deps.hasher.phone(input.phone)
    const [subscriber, lock] = await Promise.all([
      lookUpSubscriber(deps, input.phone),
      deps.verification.check([verifyNumber(phoneHash)], now)
    ])
    const locked = lock.some(r => r.retryAt > now + POLICY.code.ttlSeconds * 1000)
    const code = deps.random.code()
    const answer: SendCodeResponse = {
      maskedPhone: maskPhone(input.phone),
      expiresInSeconds: POLICY.code.ttlSeconds,
      resendAfterSeconds: LIMITS.codeCooldown.windowSeconds
    }
    const outcome = await deps.verification.issueCode({
      phoneHash,
      codeHash: deps.hasher.code(input.phone, code),
      now,
      limits: codeLimits(phoneHash, input.requester),
      codeExpiresAt: logs => codeExpiresAt(logs, now),
      sms: subscriber?.status === 'active' && !locked
        ? { id: deps.random.id(), to: input.phone, ...codeSms(code) }
        : undefined,
      idempotency: remember && { ...remember, answer }
    })
    if (!outcome.ok) throw codeRefused(outcome.refusals, now)
    return answer
  })
}

function codeRefused (refusals: Refusal[], now: number): AppError {
  const wait = retryAfterSeconds(refusals, now)
  const names = new Set(refusals.map(r => r.name))
  if (names.has('CODE_NUMBER_HOURLY') || names.has('CODE_NUMBER_DAILY')) {
    return rateLimited(wait, '该号码获取验证码次数已达上限，最近一条短信中的验证码仍然有效')
  }
  if (names.size === 1 && names.has('CODE_COOLDOWN')) return rateLimited(wait, `验证码已发送，请${wait}秒后再试`)
  return rateLimited(wait, `获取验证码次数过多，请${waitText(wait)}后再试`)
}

export interface Verified {
  phoneHash: string
  /** the code that proved it, to be consumed by whatever the verification allows (absent for a recent query) */
  codeHash?: string
}

/**
 * What proves that the requester holds the phone: the number's live code, or (for a resolution case)
 * a query of that number accepted within the last minutes and not used for a case yet.
 */
export type HolderProof =
  | { code: string }
  | { recentQuery: { phoneHash: string, acceptedAt: number, caseId?: string } | undefined }

/**
 * Does this requester hold the number and know its ID suffix? The one verification rule, for
 * queries, cases and anything else that needs it. Throws the refusal (429, 401, 403).
 * Order matters: the gates are read first (a refused request spends nothing); the code try is
 * counted before the comparison, and the verdict before the suffix is judged, each in one
 * conditional write, so parallel requests cannot outrun either.
 */
export async function verifyHolder (
  deps: VerificationDeps,
  input: { phone: string, idSuffix: string, proof: HolderProof, requester: Requester },
  now: number
): Promise<Verified> {
  const phoneHash = deps.hasher.phone(input.phone)
  const source = verifySource(input.requester)
  const gate = await deps.verification.check([verifyNumber(phoneHash), source], now)
  if (gate.length) throw verificationRefused(gate, now)

  let codeHash: string | undefined
  if ('code' in input.proof) {
    const storedHash = await deps.verification.tryCode(phoneHash, input.requester.key, now)
    codeHash = deps.hasher.code(input.phone, input.proof.code)
    if (storedHash === undefined || !sameHash(storedHash, codeHash)) {
      await deps.verification.record(source, now)
      throw new AppError('CODE_INVALID')
    }
  } else if (!isRecent(input.proof.recentQuery, phoneHash, now)) {
    // a stranger's guess at a query id counts like a wrong code
    await deps.verification.record(source, now)
    throw new AppError('CODE_INVALID', { message: '刚才的验证已超过10分钟或已使用，请重新获取短信验证码。' })
  }

  // only the holder of the proof reaches a verdict, so only a verdict counts for the number
  const verdict = await deps.verification.take([verifyNumber(phoneHash)], now)
  if (!verdict.ok) throw verificationRefused(verdict.refusals, now)

  // Unknown, cancelled, suspended and wrong suffix look exactly alike from outside.
  const record = await lookUpSubscriber(deps, input.phone, input.idSuffix)
  const verified = record?.status === 'active' && record.idSuffixMatches
  if (!verified) {
    await deps.verification.record(source, now)
    throw new AppError('VERIFICATION_FAILED')
  }
  return { phoneHash, ...(codeHash !== undefined && { codeHash }) }
}

/** the oldest acceptance that still proves the holder, for a resolution case */
export function recentSince (now: number): number {
  return now - POLICY.cases.recentVerificationMinutes * 60_000
}

function isRecent (query: { phoneHash: string, acceptedAt: number, caseId?: string } | undefined, phoneHash: string, now: number): boolean {
  return query !== undefined && sameHash(query.phoneHash, phoneHash) && query.acceptedAt > recentSince(now) && query.caseId === undefined
}

function verificationRefused (refusals: Refusal[], now: number): AppError {
  const wait = retryAfterSeconds(refusals, now)
  if (refusals.every(r => r.name === 'CONTENDED')) return rateLimited(wait)
  return rateLimited(wait, `核验未通过次数过多，请${waitText(wait)}后再试`)
}

export async function submitQuery (
  deps: VerificationDeps,
  input: { phone: string, idSuffix: string, code: string, requester: Requester, idempotencyKey?: string }
): Promise<SubmitQueryResponse> {
  const now = deps.clock.now()
  const request = `query\0${input.phone}\0${input.idSuffix}\0${input.code}`
  return idempotent(deps, input.idempotencyKey, request, now, async remember => {
    const { phoneHash, codeHash } = await verifyHolder(deps, { ...input, proof: { code: input.code } }, now)
    const query = {
      queryId: deps.random.id(),
      phoneHash,
      maskedPhone: maskPhone(input.phone),
      recipient: input.phone,
      acceptedAt: now
    }
    const answer: SubmitQueryResponse = { queryId: query.queryId, maskedPhone: query.maskedPhone, status: 'ACCEPTED' }
    const accepted = await deps.verification.accept({
      codeHash: codeHash!,
      query,
      now,
      limits: [{ spec: LIMITS.queryDaily, subject: phoneHash }],
      clears: [verifyNumber(phoneHash)],
      idempotency: remember && { ...remember, answer }
    })
    if (accepted.ok) return answer
    if ('failed' in accepted) {
      if (accepted.failed === 'CODE') throw new AppError('CODE_INVALID')
      throw rateLimited(1) // a twin under the same key won: idempotent() answers with its record
    }
    if (accepted.refusals.some(r => r.name === 'QUERY_DAILY')) {
      throw rateLimited(retryAfterSeconds(accepted.refusals, now), `每个号码24小时内最多查询${LIMITS.queryDaily.ceiling}次，请稍后再试`)
    }
    throw rateLimited(retryAfterSeconds(accepted.refusals, now))
  })
}

/**
 * With an Idempotency-Key, a repeat of the same request gets the first answer without spending a
 * try or a quota, and the key with another request is refused. The record holds keyed hashes of
 * key and request and the answer given, for an hour. A repeat that loses a race to its twin reads
 * the twin's record.
 */
export async function idempotent<T extends object> (
  deps: VerificationDeps,
  key: string | undefined,
  request: string,
  now: number,
  run: (remember?: Omit<IdempotencyRecord, 'answer'>) => Promise<T>
): Promise<T> {
  if (key === undefined) return run()
  const keyHash = deps.hasher.fingerprint(`key\0${key}`)
  const fingerprint = deps.hasher.fingerprint(request)
  const earlier = async (): Promise<T | undefined> => {
    const kept = await deps.verification.remembered(keyHash, now)
    if (!kept) return undefined
    if (!sameHash(kept.fingerprint, fingerprint)) throw new AppError('IDEMPOTENCY_KEY_REUSED')
    return kept.answer as T
  }
  const answered = await earlier()
  if (answered) return answered
  try {
    return await run({ keyHash, fingerprint })
  } catch (err) {
    // a refusal may mean a twin request under the same key won the race; unavailability never does
    if (err instanceof AppError && err.code !== 'UNAVAILABLE') {
      const twin = await earlier().catch(() => undefined)
      if (twin) return twin
    }
    throw err
  }
}

/** "45秒", "5分钟", "24小时" */
export function waitText (seconds: number): string {
  if (seconds < 60) return `${seconds}秒`
  if (seconds < 3600) return `${Math.ceil(seconds / 60)}分钟`
  return `${Math.ceil(seconds / 3600)}小时`
}

function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
