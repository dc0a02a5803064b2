import type { EnterprisesResponse } from '#contract/index'
import { enterpriseConfigSource, type EnterpriseConfig } from '#adapters/enterprise-config'
import { httpRoute } from '#lib/http'

// needs no secrets and no tables: the enterprise configuration alone, not the whole runtime
export const makeHandler = (enterprises: () => Promise<EnterpriseConfig>) =>
  httpRoute({ status: 200 }, async (): Promise<EnterprisesResponse> => ({
    enterprises: [...(await enterprises()).catalogue.enterprises]
  }))

export const handler = makeHandler(enterpriseConfigSource())
