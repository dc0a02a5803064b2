import type { EnterprisesResponse } from '#contract/index'
import { catalogue } from '#catalogue/index'
import { httpRoute } from '#lib/http'

export const handler = httpRoute({ status: 200 }, async (): Promise<EnterprisesResponse> => ({
  enterprises: [...catalogue.enterprises]
}))
