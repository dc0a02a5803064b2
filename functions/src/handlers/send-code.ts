import { SendCodeRequest } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { requestCode } from '#domain/verification'
import { httpRoute, sourceIp } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: SendCodeRequest, status: 202 }, async ({ body, event }) =>
    requestCode(await rt(), { phone: body.phone, ip: sourceIp(event) }))

export const handler = makeHandler(runtime)
