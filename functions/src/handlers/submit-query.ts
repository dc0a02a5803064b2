import { SubmitQueryRequest } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { submitQuery } from '#domain/verification'
import { httpRoute } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: SubmitQueryRequest, status: 202 }, async ({ body }) => submitQuery(await rt(), body))

export const handler = makeHandler(runtime)
