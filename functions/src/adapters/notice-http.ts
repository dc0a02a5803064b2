// Release notices over the signed enterprise channel: POST {enterprise}/number-events, signed like the
// account-count requests and with the same client (size caps, no redirects, https when deployed); the
// enterprise's 2xx answer must be signed for this notice (its eventId) like an account-count answer.
import { NumberNoticeAnswer } from '#contract/lifecycle'
import type { Clock, NoticeGateway } from '#ports'
import { enterpriseKeys, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAnswer, type MasterKeys } from '#lib/signing'
import { AnswerRefused, checkEndpoint, post } from './enterprise-http'

export interface NoticeGatewayConfig {
  /** where the enterprise takes release notices (from the enterprise configuration) */
  endpoint: (enterpriseId: string) => Promise<string | undefined>
  masterKeys: () => Promise<MasterKeys>
  clock: Clock
  /** deployed (on Lambda): every endpoint must be https */
  deployed: boolean
}

export function httpNoticeGateway (config: NoticeGatewayConfig): NoticeGateway {
  return {
    async sendNotice (enterpriseId, notice, signal) {
      const url = await config.endpoint(enterpriseId)
      if (!url) throw new Error(`no endpoint configured for ${enterpriseId}`)
      checkEndpoint(url, config.deployed)
      const keys = enterpriseKeys(await config.masterKeys(), enterpriseId, config.clock.now())
      const body = JSON.stringify(notice)
      const timestamp = String(config.clock.now())
      const answer = await post(new URL(url), body, { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(keys.signing, timestamp, body) }, signal)
      if (!verifyAnswer(keys.accepted, notice.eventId, answer.signature, answer.body)) {
        throw new AnswerRefused('answer unsigned or not signed for this notice', answer.bytesRead)
      }
      let parsed: unknown
      try { parsed = JSON.parse(answer.body || '{}') } catch { throw new AnswerRefused('malformed answer: not JSON', answer.bytesRead) }
      const checked = NumberNoticeAnswer.safeParse(parsed)
      if (!checked.success) throw new AnswerRefused('malformed answer: schema', answer.bytesRead)
      return checked.data
    }
  }
}
