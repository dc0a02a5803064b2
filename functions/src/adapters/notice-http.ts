// Release notices over the signed enterprise channel: POST {enterprise}/number-events, signed like
// the account-count requests; any 2xx with a JSON body is a delivery.
import { NumberNoticeAnswer } from '#contract/lifecycle'
import type { Clock, NoticeGateway } from '#ports'
import { enterpriseKey, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '#lib/signing'

export interface NoticeGatewayConfig {
  /** URL with {id}, e.g. https://partner.example/enterprises/{id}/number-events */
  endpointTemplate: string
  masterKey: string
  clock: Clock
}

export function httpNoticeGateway (config: NoticeGatewayConfig): NoticeGateway {
  return {
    async sendNotice (enterpriseId, notice, signal) {
      const body = JSON.stringify(notice)
      const timestamp = String(config.clock.now())
      const res = await fetch(config.endpointTemplate.replace('{id}', encodeURIComponent(enterpriseId)), {
        method: 'POST',
        signal,
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: sign(enterpriseKey(config.masterKey, enterpriseId), timestamp, body)
        },
        body
      })
      const text = (await res.text()).slice(0, 4096)
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`)
      let parsed: unknown
      try { parsed = JSON.parse(text || '{}') } catch { throw new Error('malformed answer') }
      const answer = NumberNoticeAnswer.safeParse(parsed)
      if (!answer.success) throw new Error('malformed answer')
      return answer.data
    }
  }
}
