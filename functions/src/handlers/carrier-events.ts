// The carriers' signed interface: number events in batches, and whether a released number may be re-issued.
import { NumberEventsRequest, type NumberEventsResponse, type ReissueReadiness } from '#contract/lifecycle'
import { PHONE_PATTERN } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { AppError } from '#domain/errors'
import { recordNumberEvents, reissueReadiness } from '#domain/lifecycle'
import { endAlertsOnRelease } from '#domain/alerts'
import { signedRoute } from '#lib/signed-route'
import type { HttpResult } from '#lib/http'
import type { APIGatewayProxyEventV2 } from 'aws-lambda'

export const makeHandler = (rt: () => Promise<Runtime>) => {
  const deps = async () => (await rt()).callers.carrier
  const events = signedRoute({ body: NumberEventsRequest, status: 200, maxBodyBytes: 256 * 1024 }, deps, async ({ caller, body }): Promise<NumberEventsResponse> => {
    const results = await recordNumberEvents(await rt(), caller.id, body.events)
    // a cancelled or re-issued number's binding alerts end with it (domain/alerts)
    await endAlertsOnRelease(await rt(), body.events, results)
    return { results }
  })
  const ready = signedRoute({ status: 200 }, deps, async ({ caller, event }): Promise<ReissueReadiness> => {
    const phone = event.pathParameters?.phone ?? ''
    if (!PHONE_PATTERN.test(phone)) throw new AppError('INVALID_INPUT', { fields: { phone: '请输入正确的11位手机号码' } })
    return reissueReadiness(await rt(), caller.id, phone)
  })
  return (event: APIGatewayProxyEventV2): Promise<HttpResult> => event.requestContext?.http?.method === 'GET' ? ready(event) : events(event)
}

export const handler = makeHandler(runtime)
