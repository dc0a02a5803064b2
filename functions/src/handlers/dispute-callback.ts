// POST /v1/enterprise-callbacks/disputes/{itemId}: an enterprise answers for one of its items,
// signed with its own key; each signature works once.
import { DisputeCallback, type DisputeCallbackResponse } from '#contract/disputes'
import { runtime, type Runtime } from '#adapters/runtime'
import { answerItem } from '#domain/cases'
import { signedRoute } from '#lib/signed-route'

export const makeHandler = (rt: () => Promise<Runtime>) => signedRoute(
  { body: DisputeCallback, status: 200 },
  async () => (await rt()).callers.enterprise,
  async ({ caller, body, event }): Promise<DisputeCallbackResponse> =>
    answerItem(await rt(), caller.id, event.pathParameters?.itemId ?? '', body))

export const handler = makeHandler(runtime)
