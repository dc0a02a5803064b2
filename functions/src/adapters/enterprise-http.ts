// The enterprises over HTTPS: one signed POST per enterprise, answer validated before it counts.
import * as z from 'zod'
import type { Clock, EnterpriseGateway } from '#ports'
import { enterpriseKey, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '#lib/signing'

export const CountAnswer = z.object({ accounts: z.record(z.string(), z.number().int().nonnegative()) })

export interface HttpGatewayConfig {
  /** where the enterprise answers (from the enterprise configuration) */
  endpoint: (enterpriseId: string) => Promise<string | undefined>
  masterKey: string
  clock: Clock
}

export function httpEnterpriseGateway (config: HttpGatewayConfig): EnterpriseGateway {
  return {
    async countAccounts (enterpriseId, phone, signal) {
      const url = await config.endpoint(enterpriseId)
      if (!url) throw new Error(`no endpoint configured for ${enterpriseId}`)
      const body = JSON.stringify({ phone })
      const timestamp = String(config.clock.now())
      const res = await fetch(url, {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: sign(enterpriseKey(config.masterKey, enterpriseId), timestamp, body)
        },
        body
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      let json: unknown
      try { json = JSON.parse(text) } catch { throw new Error('malformed answer: not JSON') }
      const parsed = CountAnswer.safeParse(json)
      if (!parsed.success) throw new Error('malformed answer: schema')
      return parsed.data.accounts
    }
  }
}
