// Sending a code and accepting a query: the rules of §3, expressed over the ports.
import { timingSafeEqual } from 'node:crypto'
import { maskPhone, type SendCodeResponse, type SubmitQueryResponse } from '#contract/index'
import type { CarrierGateway, Clock, Hasher, Random, VerificationStore } from '#ports'
import { AppError, rateLimited } from './errors'
import { POLICY } from './policy'
import { codeSmsText } from './sms-text'

export interface VerificationDeps {
  clock: Clock
  random: Random
  hasher: Hasher
  carrier: CarrierGateway
  verification: VerificationStore
  smsSignature?: string
}

/** Every number gets the same answer and the same writes; only a subscriber gets the SMS. */
export async function requestCode (deps: VerificationDeps, input: { phone: string, ip: string }): Promise<SendCodeResponse> {
  const now = deps.clock.now()
  const phoneHash = deps.hasher.phone(input.phone)
  const subscriber = await deps.carrier.check(input.phone)
  const code = deps.random.code()
  const outcome = await deps.verification.issueCode({
    phoneHash,
    ipHash: deps.hasher.ip(input.ip),
    codeHash: deps.hasher.code(input.phone, code),
    now,
    sms: subscriber && {
      id: deps.random.id(), kind: 'code', to: input.phone, text: codeSmsText(code, deps.smsSignature)
    }
  })
  if (!outcome.ok) {
    throw rateLimited(outcome.retryAfterSeconds, outcome.limit === 'COOLDOWN'
      ? `验证码已发送，请${Math.ceil(outcome.retryAfterSeconds)}秒后再试`
      : '获取验证码次数过多，请稍后再试')
  }
  return {
    maskedPhone: maskPhone(input.phone),
    expiresInSeconds: POLICY.code.ttlSeconds,
    resendAfterSeconds: POLICY.code.resendAfterSeconds
  }
}

export async function submitQuery (
  deps: VerificationDeps,
  input: { phone: string, idSuffix: string, code: string }
): Promise<SubmitQueryResponse> {
  const now = deps.clock.now()
  const phoneHash = deps.hasher.phone(input.phone)

  const lockedUntil = await deps.verification.lockedUntil(phoneHash, now)
  if (lockedUntil !== undefined) {
    throw rateLimited((lockedUntil - now) / 1000, '核验失败次数过多，该号码已暂停查询24小时')
  }

  // The try is counted before the comparison, so parallel guesses cannot outrun the limit.
  const storedHash = await deps.verification.tryCode(phoneHash, now)
  const codeHash = deps.hasher.code(input.phone, input.code)
  if (storedHash === undefined || !sameHash(storedHash, codeHash)) throw new AppError('CODE_INVALID')

  // Unknown, cancelled, suspended and wrong suffix look exactly alike from outside.
  const record = await deps.carrier.check(input.phone, input.idSuffix)
  const verified = record?.status === 'active' && record.idSuffixMatches
  if (!verified) {
    await deps.verification.recordFailure(phoneHash, now)
    throw new AppError('VERIFICATION_FAILED')
  }

  const query = {
    queryId: deps.random.id(),
    phoneHash,
    maskedPhone: maskPhone(input.phone),
    recipient: input.phone,
    acceptedAt: now
  }
  const accepted = await deps.verification.accept(codeHash, query, now)
  if (!accepted.ok) {
    if (accepted.limit === 'CODE') throw new AppError('CODE_INVALID')
    throw rateLimited(accepted.retryAfterSeconds, `每个号码每天最多查询${POLICY.query.perDay}次，请明天再试`)
  }
  return { queryId: query.queryId, maskedPhone: query.maskedPhone, status: 'ACCEPTED' }
}

function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
