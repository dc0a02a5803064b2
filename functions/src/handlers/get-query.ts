import { QUERY_ID_PATTERN, type QueryView } from '#contract/index'
import { storeRuntime, type StoreRuntime } from '#adapters/runtime'
import { AppError } from '#domain/errors'
import { httpRoute } from '#lib/http'

export const makeHandler = (rt: () => Promise<StoreRuntime>) =>
  httpRoute({ status: 200 }, async ({ event }): Promise<QueryView> => {
    const queryId = event.pathParameters?.queryId ?? ''
    if (!QUERY_ID_PATTERN.test(queryId)) throw new AppError('NOT_FOUND')
    const { queries, clock } = await rt()
    const query = await queries.get(queryId, clock.now())
    if (!query) throw new AppError('NOT_FOUND')
    // status only: the counts travel by SMS to the number and nowhere else
    return {
      queryId,
      maskedPhone: query.maskedPhone,
      status: query.status,
      acceptedAt: new Date(query.acceptedAt).toISOString(),
      ...(query.sentAt !== undefined && { sentAt: new Date(query.sentAt).toISOString() })
    }
  })

// reads no secret: the stores alone (its role has no grant on the secrets parameter)
export const handler = makeHandler(storeRuntime)
