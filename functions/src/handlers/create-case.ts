// POST /v1/cases: the person disputes apps of their result; verified again, the case is opened and
// each item queued for its enterprise.
import { CreateCaseRequest } from '#contract/cases'
import { runtime, type Runtime } from '#adapters/runtime'
import { createCase } from '#domain/cases'
import { requesterOf } from '#domain/requester'
import { httpRoute, idempotencyKey, sourceIp } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  // 11 apps with a 200-character note each do not fit the 4 KB of the other routes
  httpRoute({ body: CreateCaseRequest, status: 202, maxBodyBytes: 16 * 1024 }, async ({ body, event }) => {
    const deps = await rt()
    return createCase(deps, {
      ...body,
      requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) }),
      idempotencyKey: idempotencyKey(event),
      // API Gateway's own domain for this API (never a header the caller chose), unless the operator set one
      callbackBase: deps.publicUrl ?? `https://${event.requestContext.domainName}`
    })
  })

export const handler = makeHandler(runtime)
