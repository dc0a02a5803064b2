// GET /v1/enterprise-sync/binding-subscriptions?cursor=…: the caller's own page of subscribed numbers,
// each an HMAC under its own key (the key decides whose rows, never a parameter).
import type { SubscriptionsPage } from '#contract/alerts'
import { runtime, type Runtime } from '#adapters/runtime'
import { subscriptionsPage } from '#domain/alerts'
import { signedRoute } from '#lib/signed-route'

export const makeHandler = (rt: () => Promise<Runtime>) => signedRoute(
  { status: 200 },
  async () => (await rt()).callers.enterprise,
  async ({ caller, event }): Promise<SubscriptionsPage> => subscriptionsPage(await rt(), caller.id, event.queryStringParameters?.cursor))

export const handler = makeHandler(runtime)
