// POST /v1/enterprise-callbacks/disputes/{itemId}: an enterprise answers for one of its items,
// signed with its own key; each signature works once.
import { DisputeCallback, type DisputeCallbackResponse } from '#contract/disputes'
import { runtime, type Runtime } from '#adapters/runtime'
import { answerItem } from '#domain/cases'
import { disputeAnswerMetric } from '#lib/metrics'
import { signedRoute } from '#lib/signed-route'

export const makeHandler = (rt: () => Promise<Runtime>) => signedRoute(
  { body: DisputeCallback, status: 200 },
  async () => (await rt()).callers.enterprise,
  async ({ caller, body, event }): Promise<DisputeCallbackResponse> => {
    const answered = await answerItem(await rt(), caller.id, event.pathParameters?.itemId ?? '', body)
    // accepted answers only (a refused one threw): the enterprise, which signed it, and the answer's status
    disputeAnswerMetric(caller.id, body.status)
    return answered
  })

export const handler = makeHandler(runtime)
