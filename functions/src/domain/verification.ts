// Sending a code and accepting a query: the rules of §3, expressed over the ports. Every limit is
// counted per number, per requester and per source network (./limits), so that a stranger, even
// from many addresses, cannot stop the holder of the phone (SECURITY.md §2–3).
import { timingSafeEqual } from 'node:crypto'
import { maskPhone, REFUSALS, roughWait, type SendCodeResponse, type SubmitQueryResponse } from '#contract/index'
import type { CarrierAnswer, CarrierGateway, Clock, Hasher, IdempotencyRecord, Random, Snapshot, VerificationStore } from '#ports'
import { AppError, rateLimited } from './errors'
import { LIMITS, allowedAt, refusalsOf, retryAfterSeconds, type LimitCheck, type LimitName, type Refusal } from './limits'
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

type Remember = Omit<IdempotencyRecord, 'answer'>

/**
 * A step's one read (VerificationStore.snapshot): its limit logs, the record kept under its
 * idempotency key, and the number's Subscribers row when the carrier gateway judges from it.
 */
function readStep (deps: VerificationDeps, phoneHash: string, limits: LimitCheck[], now: number, remember?: Remember): Promise<Snapshot> {
  return deps.verification.snapshot({
    limits,
    ...(deps.carrier.judge && { subscriber: phoneHash }),
    ...(remember && { idempotencyKey: remember.keyHash })
  }, now)
}

/** the carriers' answer: judged from the row the step read, or asked (HTTP) when `asked` is not given */
function carrierAnswer (deps: VerificationDeps, phone: string, idSuffix: string | undefined, snapshot: Snapshot, asked?: Promise<CarrierAnswer | undefined>): Promise<CarrierAnswer | undefined> {
  if (deps.carrier.judge) return Promise.resolve(deps.carrier.judge(phone, idSuffix, snapshot.subscriber))
  return asked ?? lookUpSubscriber(deps, phone, idSuffix)
}

/**
 * Every number gets the same answer and the same writes; only an active subscriber whose
 * verification is not locked for longer than a code lives gets the SMS. Two requests: one read
 * (subscriber, number lock, code limit logs, idempotency record), one transaction.
 */
export async function requestCode (
  deps: VerificationDeps,
  input: { phone: string, requester: Requester, idempotencyKey?: string }
): Promise<SendCodeResponse> {
  const now = deps.clock.now()
  return idempotent(deps, input.idempotencyKey, `code\0${input.phone}`, now, async remember => {
    const phoneHash = deps.hasher.phone(input.phone)
    const limits = codeLimits(phoneHash, input.requester)
    // the carriers' HTTP endpoints (when they are the gateway) are asked while the store reads
    const asked = deps.carrier.judge ? undefined : lookUpSubscriber(deps, input.phone)
    asked?.catch(() => {}) // awaited below; a failure must not surface as unhandled meanwhile
    const snapshot = await readStep(deps, phoneHash, [verifyNumber(phoneHash), ...limits], now, remember)
    const replay = replayed<SendCodeResponse>(remember, snapshot)
    if (replay) return replay
    const subscriber = await carrierAnswer(deps, input.phone, undefined, snapshot, asked)
    const locked = refusalsOf([verifyNumber(phoneHash)], snapshot.logs, now).some(r => r.retryAt > now + POLICY.code.ttlSeconds * 1000)
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
      limits,
      codeExpiresAt: logs => codeExpiresAt(logs, now),
      sms: subscriber?.status === 'active' && !locked
        ? { id: deps.random.id(), to: input.phone, ...codeSms(code) }
        : undefined,
      idempotency: remember && { ...remember, answer },
      judged: snapshot.logs
    })
    if (!outcome.ok) throw codeRefused(outcome.refusals, now)
    return answer
  }, { readsRecord: true })
}

function codeRefused (refusals: Refusal[], now: number): AppError {
  const wait = retryAfterSeconds(refusals, now)
  const names = new Set(refusals.map(r => r.name))
  if (names.has('CODE_NUMBER_HOURLY') || names.has('CODE_NUMBER_DAILY')) {
    return rateLimited(wait, REFUSALS.codeNumberCeiling)
  }
  if (names.size === 1 && names.has('CODE_COOLDOWN')) return rateLimited(wait, REFUSALS.codeCooldown(wait))
  return rateLimited(wait, REFUSALS.codeTooMany(wait))
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

type HolderInput = { phone: string, idSuffix: string, proof: HolderProof, requester: Requester }

/** the limits every verification reads: the number's verdict backoff and the source's failures */
const holderLimits = (phoneHash: string, requester: Requester): LimitCheck[] => [verifyNumber(phoneHash), verifySource(requester)]

/**
 * Does this requester hold the number and know its ID suffix? The one verification rule, for
 * queries, cases and anything else that needs it. Throws the refusal (429, 401, 403).
 * Order matters: the gates are read first (a refused request spends nothing); the code try is
 * counted before the comparison, and the verdict before the suffix is judged, each in one
 * conditional write, so parallel requests cannot outrun either.
 */
export async function verifyHolder (deps: VerificationDeps, input: HolderInput, now: number): Promise<Verified> {
  const phoneHash = deps.hasher.phone(input.phone)
  const snapshot = await readStep(deps, phoneHash, holderLimits(phoneHash, input.requester), now)
  const judged = await judgeHolder(deps, input, phoneHash, snapshot, now)
  // only the holder of the proof reaches a verdict, so only a verdict counts for the number
  await countVerdict(deps, phoneHash, now, snapshot)
  if (!judged.suffixMatches) await suffixRefused(deps, input.requester, now, snapshot)
  return judged.verified
}

/**
 * The gates, the proof and the carriers' answer, from the step's snapshot: nothing about the suffix
 * is told yet. The caller counts the verdict (alone, or in its own decision transaction) first.
 * Throws the gate's 429 (nothing spent) and CODE_INVALID (a failure counted for the source).
 */
async function judgeHolder (
  deps: VerificationDeps, input: HolderInput, phoneHash: string, snapshot: Snapshot, now: number
): Promise<{ verified: Verified, suffixMatches: boolean }> {
  const source = verifySource(input.requester)
  const gate = refusalsOf(holderLimits(phoneHash, input.requester), snapshot.logs, now)
  if (gate.length) throw verificationRefused(gate, now)

  // the carriers' HTTP endpoints are asked while the code try is counted (the table's row is in the snapshot)
  const asked = deps.carrier.judge ? undefined : lookUpSubscriber(deps, input.phone, input.idSuffix)
  asked?.catch(() => {}) // awaited below, unless the proof fails first
  let codeHash: string | undefined
  if ('code' in input.proof) {
    // counted before it is compared, in one conditional write: parallel guesses cannot outrun the tries
    const storedHash = await deps.verification.tryCode(phoneHash, input.requester.key, now)
    codeHash = deps.hasher.code(input.phone, input.proof.code)
    if (storedHash === undefined || !sameHash(storedHash, codeHash)) {
      await deps.verification.record(source, now, snapshot.logs)
      throw new AppError('CODE_INVALID')
    }
  } else if (!isRecent(input.proof.recentQuery, phoneHash, now)) {
    // a stranger's guess at a query id counts like a wrong code
    await deps.verification.record(source, now, snapshot.logs)
    throw new AppError('CODE_INVALID', { message: REFUSALS.recentProofGone })
  }

  // Unknown, cancelled, suspended and wrong suffix look exactly alike from outside.
  const record = await carrierAnswer(deps, input.phone, input.idSuffix, snapshot, asked)
  return { verified: { phoneHash, ...(codeHash !== undefined && { codeHash }) }, suffixMatches: record?.status === 'active' && record.idSuffixMatches }
}

/** one verdict counted on the number's backoff (version-conditioned on what was judged): 429 when it is spent */
async function countVerdict (deps: VerificationDeps, phoneHash: string, now: number, snapshot?: Snapshot): Promise<void> {
  const verdict = await deps.verification.take([verifyNumber(phoneHash)], now, snapshot?.logs)
  if (!verdict.ok) throw verificationRefused(verdict.refusals, now)
}

/** a wrong suffix (or no active subscriber): a failure for the source, then the 403 */
async function suffixRefused (deps: VerificationDeps, requester: Requester, now: number, snapshot: Snapshot): Promise<never> {
  await deps.verification.record(verifySource(requester), now, snapshot.logs)
  throw new AppError('VERIFICATION_FAILED')
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
  return rateLimited(wait, REFUSALS.verifyTooMany(wait))
}

/**
 * verifyHolder's rules in three requests on success: one read (the verdict and source logs, the
 * subscriber row, the number's quota log, the idempotency record), the code try, and one
 * transaction that wipes the verdict log if unchanged since judged (the verdict counted and cleared
 * at once), counts the quota, consumes the code and writes the query. Every other ending counts the
 * verdict before it answers, as verifyHolder does: a wrong suffix (403), and a right one that is
 * refused all the same (quota, the code consumed by a twin, a lost race), whose refusal would tell
 * the suffix was right.
 */
export async function submitQuery (
  deps: VerificationDeps,
  input: { phone: string, idSuffix: string, code: string, requester: Requester, idempotencyKey?: string }
): Promise<SubmitQueryResponse> {
  const now = deps.clock.now()
  const request = `query\0${input.phone}\0${input.idSuffix}\0${input.code}`
  return idempotent(deps, input.idempotencyKey, request, now, async remember => {
    const phoneHash = deps.hasher.phone(input.phone)
    const quota: LimitCheck = { spec: LIMITS.queryDaily, subject: phoneHash }
    const snapshot = await readStep(deps, phoneHash, [...holderLimits(phoneHash, input.requester), quota], now, remember)
    const replay = replayed<SubmitQueryResponse>(remember, snapshot)
    if (replay) return replay
    const { verified, suffixMatches } = await judgeHolder(deps, { ...input, proof: { code: input.code } }, phoneHash, snapshot, now)
    if (!suffixMatches) {
      await countVerdict(deps, phoneHash, now, snapshot)
      return suffixRefused(deps, input.requester, now, snapshot)
    }
    const query = {
      queryId: deps.random.id(),
      phoneHash,
      maskedPhone: maskPhone(input.phone),
      recipient: input.phone,
      acceptedAt: now
    }
    const answer: SubmitQueryResponse = { queryId: query.queryId, maskedPhone: query.maskedPhone, status: 'ACCEPTED' }
    const accepted = await deps.verification.accept({
      codeHash: verified.codeHash!,
      query,
      now,
      limits: [quota],
      clears: [verifyNumber(phoneHash)],
      idempotency: remember && { ...remember, answer },
      judged: snapshot.logs
    })
    if (accepted.ok) return answer
    // the suffix was right but this is no acceptance: the verdict counts before any answer tells it
    await countVerdict(deps, phoneHash, now)
    if ('failed' in accepted) {
      if (accepted.failed === 'CODE') throw new AppError('CODE_INVALID')
      throw rateLimited(1) // a twin under the same key won: idempotent() answers with its record
    }
    if (accepted.refusals.some(r => r.name === 'QUERY_DAILY')) {
      throw rateLimited(retryAfterSeconds(accepted.refusals, now), REFUSALS.queriesPerDay)
    }
    throw rateLimited(retryAfterSeconds(accepted.refusals, now))
  }, { readsRecord: true })
}

/**
 * With an Idempotency-Key, a repeat of the same request gets the first answer without spending a
 * try or a quota, and the key with another request is refused. The record holds keyed hashes of
 * key and request and the answer given, for an hour. A repeat that loses a race to its twin reads
 * the twin's record.
 * `readsRecord`: the step reads the record in its own batched read and answers a repeat itself
 * (replayed); otherwise it is read here first, alone.
 */
export async function idempotent<T extends object> (
  deps: VerificationDeps,
  key: string | undefined,
  request: string,
  now: number,
  run: (remember?: Remember) => Promise<T>,
  options: { readsRecord?: boolean } = {}
): Promise<T> {
  if (key === undefined) return run()
  const remember = { keyHash: deps.hasher.fingerprint(`key\0${key}`), fingerprint: deps.hasher.fingerprint(request) }
  const earlier = async (): Promise<T | undefined> => {
    const kept = await deps.verification.remembered(remember.keyHash, now)
    return kept && replayed<T>(remember, { remembered: kept })
  }
  if (!options.readsRecord) {
    const answered = await earlier()
    if (answered) return answered
  }
  try {
    return await run(remember)
  } catch (err) {
    // a refusal may mean a twin request under the same key won the race; unavailability never does
    if (err instanceof AppError && err.code !== 'UNAVAILABLE') {
      const twin = await earlier().catch(() => undefined)
      if (twin) return twin
    }
    throw err
  }
}

/** the answer an earlier request under this key got, as the step's read found it; the key with another request is refused */
export function replayed<T> (remember: Remember | undefined, read: Pick<Snapshot, 'remembered'>): T | undefined {
  const kept = read.remembered
  if (!remember || !kept) return undefined
  if (!sameHash(kept.fingerprint, remember.fingerprint)) throw new AppError('IDEMPOTENCY_KEY_REUSED')
  return kept.answer as T
}

/** "45秒", "5分钟", "24小时": the contract's rough wait, under the name the case rules use */
export const waitText = roughWait

function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
