// The platforms' signed interface: "has this number changed hands since D?", the daily released
// feed, and each enterprise's own audit trail.
import { NumberChecksRequest, type NumberChecksResponse, type PlatformAuditResponse, type ReleasedFeedResponse, type ReleasedNumbersResponse } from '#contract/lifecycle'
import type { ReleasedEntry } from '#ports'
import { runtime, type Runtime } from '#adapters/runtime'
import { AppError } from '#domain/errors'
import { checkNumbers, releasedNumbers, releasedSince } from '#domain/lifecycle'
import { chinaDate } from '#domain/china-time'
import { signedRoute } from '#lib/signed-route'
import type { HttpResult } from '#lib/http'
import type { APIGatewayProxyEventV2 } from 'aws-lambda'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const FEED_CURSOR = /^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}$/

const entryOut = (e: ReleasedEntry) =>
  ({ phone: e.phone, effectiveAt: new Date(e.effectiveAt).toISOString(), recordedAt: new Date(Math.floor(e.seq / 1000)).toISOString() })
const AUDIT_CURSOR = /^[A-Za-z0-9_-]{1,400}$/
const badCursor = () => new AppError('INVALID_INPUT', { fields: { cursor: '翻页标记无效，请使用上一页返回的 next' } })

function dateParam (event: APIGatewayProxyEventV2): string {
  const date = event.queryStringParameters?.date ?? ''
  if (!DATE.test(date) || Number.isNaN(Date.parse(date))) throw new AppError('INVALID_INPUT', { fields: { date: '日期格式应为 YYYY-MM-DD' } })
  return date
}

export const makeHandler = (rt: () => Promise<Runtime>) => {
  const deps = async () => (await rt()).callers.enterprise
  const checks = signedRoute({ body: NumberChecksRequest, status: 200, maxBodyBytes: 32 * 1024 }, deps, async ({ caller, body }): Promise<NumberChecksResponse> =>
    ({ results: await checkNumbers(await rt(), caller.id, body) }))
  const released = signedRoute({ status: 200 }, deps, async ({ caller, event }): Promise<ReleasedNumbersResponse | ReleasedFeedResponse> => {
    const since = event.queryStringParameters?.since
    if (since !== undefined) {
      if (since !== '' && !FEED_CURSOR.test(since)) throw new AppError('INVALID_INPUT', { fields: { since: '游标无效' } })
      const page = await releasedSince(await rt(), caller.id, since)
      return { entries: page.entries.map(entryOut), next: page.next, more: page.more }
    }
    const date = dateParam(event)
    const entries = await releasedNumbers(await rt(), caller.id, date)
    return { date, numbers: entries.map(e => e.phone), entries: entries.map(entryOut) }
  })
  // the caller's own trail only: the key decides whose, never a parameter (a cursor names a place in it)
  const audit = signedRoute({ status: 200 }, deps, async ({ caller, event }): Promise<PlatformAuditResponse> => {
    const r = await rt()
    const date = event.queryStringParameters?.date ? dateParam(event) : chinaDate(r.clock.now())
    const cursor = event.queryStringParameters?.cursor
    if (cursor !== undefined && !AUDIT_CURSOR.test(cursor)) throw badCursor()
    const page = await r.callerLedger.auditOf(caller.id, date, cursor)
    if (!page) throw badCursor()
    return {
      enterpriseId: caller.id,
      date,
      calls: page.entries.map(c => ({ at: new Date(c.at).toISOString(), route: c.route, numbers: c.numbers })),
      ...(page.next !== undefined && { next: page.next })
    }
  })
  return (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    if (event.requestContext?.http?.method === 'POST') return checks(event)
    return event.rawPath.endsWith('/audit') ? audit(event) : released(event)
  }
}

export const handler = makeHandler(runtime)
