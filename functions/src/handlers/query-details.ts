// POST /v1/query-details: number + result code → the counts per app of that query (查看明细).
import { QueryDetailsRequest } from '#contract/details'
import { runtime, type Runtime } from '#adapters/runtime'
import { queryDetails } from '#domain/query-details'
import { requesterOf } from '#domain/requester'
import { httpRoute, sourceIp } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: QueryDetailsRequest, status: 200 }, async ({ body, event }) => {
    const deps = await rt()
    const { catalogue } = await deps.enterprises()
    return queryDetails({ ...deps, catalogue }, {
      ...body,
      requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) })
    })
  })

export const handler = makeHandler(runtime)
