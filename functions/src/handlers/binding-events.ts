// POST /v1/enterprise-events/bindings: an enterprise, signed with its own key, reports new bindings of
// its apps; events of numbers that did not subscribe are dropped on arrival, never stored.
import { BindingEventsRequest, type BindingEventsResponse } from '#contract/alerts'
import { runtime, type Runtime } from '#adapters/runtime'
import { recordBindingEvents } from '#domain/alerts'
import { signedRoute } from '#lib/signed-route'

export const makeHandler = (rt: () => Promise<Runtime>) => signedRoute(
  // 1,000 events of ~120 bytes each
  { body: BindingEventsRequest, status: 200, maxBodyBytes: 256 * 1024 },
  async () => (await rt()).callers.enterprise,
  async ({ caller, body }): Promise<BindingEventsResponse> => ({ results: await recordBindingEvents(await rt(), caller.id, body.events) }))

export const handler = makeHandler(runtime)
