import { SubmitQueryRequest } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { submitQuery } from '#domain/verification'
import { httpRoute } from '#lib/http'
import { countMetric, METRIC_NAMES } from '#lib/metrics'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: SubmitQueryRequest, status: 202 }, async ({ body }) => {
    const accepted = await submitQuery(await rt(), body)
    countMetric(METRIC_NAMES.queriesAccepted)
    return accepted
  })

export const handler = makeHandler(runtime)
