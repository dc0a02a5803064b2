// POST /v1/binding-alerts: the holder turns binding alerts on or off, verified like a query (the SMS
// code is consumed with the change); one confirmation SMS each way.
import { BindingAlertsRequest } from '#contract/alerts'
import { runtime, type Runtime } from '#adapters/runtime'
import { setBindingAlerts } from '#domain/alerts'
import { requesterOf } from '#domain/requester'
import { httpRoute, sourceIp } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: BindingAlertsRequest, status: 200 }, async ({ body, event }) => {
    const deps = await rt()
    return setBindingAlerts(deps, { ...body, requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) }) })
  })

export const handler = makeHandler(runtime)
