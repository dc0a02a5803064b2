// GET /v1/cases/{caseId} with `Authorization: Bearer <token>`: the case as the person may see it.
import { storeRuntime, type StoreRuntime } from '#adapters/runtime'
import { viewCase } from '#domain/cases'
import { httpRoute } from '#lib/http'

export const makeHandler = (rt: () => Promise<StoreRuntime>) =>
  httpRoute({ status: 200 }, async ({ event }) => {
    const bearer = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(event.headers?.authorization ?? '')
    // no token and a wrong one answer alike: 404, as for an unknown case
    return viewCase(await rt(), event.pathParameters?.caseId ?? '', bearer?.[1] ?? '')
  })

// reads no secret: the token is checked against its SHA-256
export const handler = makeHandler(storeRuntime)
