// POST /v1/cases: the person disputes apps of their result; verified again, the case is opened and
// each item queued for its enterprise.
import { CreateCaseRequest } from '#contract/cases'
import { runtime, type Runtime } from '#adapters/runtime'
import { createCase } from '#domain/cases'
import { requesterOf } from '#domain/requester'
import { httpRoute, idempotencyKey, sourceIp } from '#lib/http'
import { countMetric, enterpriseCounts, METRIC_NAMES } from '#lib/metrics'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  // 11 apps with a 200-character note each do not fit the 4 KB of the other routes
  httpRoute({ body: CreateCaseRequest, status: 202, maxBodyBytes: 16 * 1024 }, async ({ body, event }) => {
    const deps = await rt()
    const { response, opened } = await createCase(deps, {
      ...body,
      requester: requesterOf(deps.hasher, { sourceIp: sourceIp(event) }),
      idempotencyKey: idempotencyKey(event),
      // API Gateway's own domain for this API (never a header the caller chose), unless the operator set one
      callbackBase: deps.publicUrl ?? `https://${event.requestContext.domainName}`
    })
    // a repeat under the same Idempotency-Key opened nothing
    if (opened) {
      countMetric(METRIC_NAMES.casesOpened)
      const items: Record<string, number> = {}
      for (const { enterpriseId } of response.items) items[enterpriseId] = (items[enterpriseId] ?? 0) + 1
      enterpriseCounts('caseItemsOpened', items)
    }
    return response
  })

export const handler = makeHandler(runtime)
