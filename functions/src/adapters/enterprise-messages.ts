// The enterprise-bound messages beside the account counts — release notices (POST {enterprise}/number-events)
// and disputes (POST {enterprise}/disputes) — signed like the account-count requests and sent with the
// same client (size caps, no redirects, https when deployed). The enterprise's 2xx answer must be
// signed for this message (its eventId or itemId) and match the schema.
import { DisputeAccepted } from '#contract/disputes'
import { NumberNoticeAnswer } from '#contract/lifecycle'
import type { Clock, DisputeGateway, NoticeGateway } from '#ports'
import { enterpriseKeys, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAnswer, type MasterKeys } from '#lib/signing'
import type { Schema } from '#lib/http'
import { AnswerRefused, checkEndpoint, post } from './enterprise-http'

export interface SignedPostConfig {
  /** where the enterprise takes this kind of message (from the enterprise configuration) */
  endpoint: (enterpriseId: string) => Promise<string | undefined>
  masterKeys: () => Promise<MasterKeys>
  clock: Clock
  /** deployed (on Lambda): every endpoint must be https */
  deployed: boolean
}

/** one signed message to one enterprise; its answer, checked for signature (over `answerFor`) and schema */
async function postSigned<T> (config: SignedPostConfig, enterpriseId: string, answerFor: string, message: unknown, schema: Schema<T>, signal: AbortSignal): Promise<T> {
  const url = await config.endpoint(enterpriseId)
  if (!url) throw new Error(`no endpoint configured for ${enterpriseId}`)
  checkEndpoint(url, config.deployed)
  const keys = enterpriseKeys(await config.masterKeys(), enterpriseId, config.clock.now())
  const body = JSON.stringify(message)
  const timestamp = String(config.clock.now())
  const answer = await post(new URL(url), body, { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(keys.signing, timestamp, body) }, signal)
  if (!verifyAnswer(keys.accepted, answerFor, answer.signature, answer.body)) {
    throw new AnswerRefused('answer unsigned or not signed for this message', answer.bytesRead)
  }
  let parsed: unknown
  try { parsed = JSON.parse(answer.body || '{}') } catch { throw new AnswerRefused('malformed answer: not JSON', answer.bytesRead) }
  const checked = schema.safeParse(parsed)
  if (!checked.success) throw new AnswerRefused('malformed answer: schema', answer.bytesRead)
  return checked.data
}

export function httpNoticeGateway (config: SignedPostConfig): NoticeGateway {
  return { sendNotice: (enterpriseId, notice, signal) => postSigned(config, enterpriseId, notice.eventId, notice, NumberNoticeAnswer, signal) }
}

export function httpDisputeGateway (config: SignedPostConfig): DisputeGateway {
  return {
    deliver: async (enterpriseId, request, signal) => (await postSigned(config, enterpriseId, request.itemId, request, DisputeAccepted, signal)).reference
  }
}
