import { SubmitQueryRequest } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { requesterOf } from '#domain/requester'
import { submitQuery } from '#domain/verification'
import { httpRoute, idempotencyKey, sourceIp } from '#lib/http'
import { countMetric, METRIC_NAMES } from '#lib/metrics'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: SubmitQueryRequest, status: 202 }, async ({ body, event }) => {
    const deps = await rt()
    const accepted = await submitQuery(deps, {
      ...body,
      requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) }),
      idempotencyKey: idempotencyKey(event)
    })
    countMetric(METRIC_NAMES.queriesAccepted)
    return accepted
  })

export const handler = makeHandler(runtime)
