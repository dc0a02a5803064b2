import { SendCodeRequest } from '#contract/index'
import { runtime, type Runtime } from '#adapters/runtime'
import { requesterOf } from '#domain/requester'
import { requestCode } from '#domain/verification'
import { httpRoute, idempotencyKey, sourceIp } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ body: SendCodeRequest, status: 202 }, async ({ body, event }) => {
    const deps = await rt()
    return requestCode(deps, {
      phone: body.phone,
      requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) }),
      idempotencyKey: idempotencyKey(event)
    })
  })

export const handler = makeHandler(runtime)
