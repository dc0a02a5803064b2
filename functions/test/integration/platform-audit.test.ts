// The platforms' audit holds a whole day at the full token rate: one item per call (never a list
// inside one item, which the 400 KB item limit capped at ~9,300 calls, every later call a 503 until
// midnight), read back page by page. On DynamoDB Local over real HTTP; the day's calls are written
// in bulk in the shape a call writes them, then real calls and reads go through the API.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import { auditItem } from '../../src/adapters/dynamo/caller-store'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { enterpriseKey, signedRequestHeaders } from '../../src/lib/signing'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const DAY_MS = 24 * 3600 * 1000
/** 2026-12-04 00:00 in China */
const DAY_START = Date.parse('2026-12-03T16:00:00Z')
const DATE = '2026-12-04'
const CALLS = 30_000

let sys: TestSystem
beforeAll(async () => { sys = await startTestSystem({ streams: false }) })
afterAll(async () => { await sys?.stop() })

function signedGet (id: string, path: string) {
  sys.clock.advance(1) // two calls in one millisecond with one body would be one signature: a replay
  return call(sys.url, 'GET', path, undefined, signedRequestHeaders(id, enterpriseKey(DEV_SECRETS.enterpriseKey, id), 'GET', path, '', sys.clock.now()))
}
function check (id: string) {
  sys.clock.advance(1)
  const body = JSON.stringify({ since: '2026-06-01', numbers: ['13800005551', '13900007777'] })
  const path = LIFECYCLE_PATHS.numberChecks
  return call(sys.url, 'POST', path, body, signedRequestHeaders(id, enterpriseKey(DEV_SECRETS.enterpriseKey, id), 'POST', path, body, sys.clock.now()))
}

/** every page of a day's trail, following `next` */
async function wholeDay (id: string): Promise<{ pages: number, calls: { at: string, route: string, numbers: number }[] }> {
  const calls: { at: string, route: string, numbers: number }[] = []
  let pages = 0
  for (let cursor: string | undefined; ;) {
    const reply = await signedGet(id, LIFECYCLE_PATHS.audit(DATE) + (cursor ? `&cursor=${cursor}` : ''))
    expect([reply.status, reply.body]).toEqual([200, expect.objectContaining({ enterpriseId: id, date: DATE })])
    pages++
    calls.push(...reply.body.calls)
    cursor = reply.body.next
    if (!cursor) return { pages, calls }
  }
}

test('30,000 calls in one China day: the next call is still answered and audited, and the trail pages through all of them in order', async () => {
  // a day at the full rate (one call every 2.88 s), as each call writes it
  const items = Array.from({ length: CALLS }, (_, i) => auditItem('jd', { at: DAY_START + i * 2880, route: 'number-checks', numbers: 1 + (i % 1000) }))
  const batches: Record<string, unknown>[][] = []
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25))
  let next = 0
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let b = batches[next++]; b; b = batches[next++]) {
      let requests = b.map(Item => ({ PutRequest: { Item } }))
      while (requests.length) {
        const out = await sys.runtime.doc.send(new BatchWriteCommand({ RequestItems: { [sys.table('CallerLedger')]: requests } }))
        requests = (out.UnprocessedItems?.[sys.table('CallerLedger')] as typeof requests | undefined) ?? []
      }
    }
  }))

  // the last second of the day, after the last of them
  sys.clock.t = DAY_START + DAY_MS - 1000
  const last = await check('jd')
  const checkedAt = sys.clock.now()
  expect(last.status).toBe(200)

  const day = await wholeDay('jd')
  expect(day.calls).toHaveLength(CALLS + 1)
  expect(day.pages).toBe(31)
  const times = day.calls.map(c => Date.parse(c.at))
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(day.calls[0]).toEqual({ at: new Date(DAY_START).toISOString(), route: 'number-checks', numbers: 1 })
  expect(day.calls.at(-1)).toEqual({ at: new Date(checkedAt).toISOString(), route: 'number-checks', numbers: 2 })
})

test('a short day fits one answer, without next (the answer as before); a cursor is the caller\'s own or refused', async () => {
  for (let i = 0; i < 3; i++) expect((await check('meituan')).status).toBe(200)
  const own = await signedGet('meituan', LIFECYCLE_PATHS.audit(DATE))
  expect(own.body.calls).toHaveLength(3)
  expect(own.body).not.toHaveProperty('next')

  // jd's cursor read with meituan's key, a made-up one, one that is not even base64url: 400, no one's trail
  const jdPage = await signedGet('jd', LIFECYCLE_PATHS.audit(DATE))
  const jdCursor = jdPage.body.next as string
  expect(jdCursor).toEqual(expect.any(String))
  const forged = Buffer.from(JSON.stringify({ pk: 'audit#meituan#2026-12-04#1#00000000', seq: 1 })).toString('base64url')
  for (const cursor of [jdCursor, Buffer.from('{"pk":1}').toString('base64url'), 'not*base64', forged.slice(0, 10)]) {
    const reply = await signedGet('meituan', `${LIFECYCLE_PATHS.audit(DATE)}&cursor=${encodeURIComponent(cursor)}`)
    expect([reply.status, reply.body.error?.code]).toEqual([400, 'INVALID_INPUT'])
  }
  // a well-formed cursor inside the caller's own day reads on from there (here: before its first call)
  const own2 = await signedGet('meituan', `${LIFECYCLE_PATHS.audit(DATE)}&cursor=${forged}`)
  expect([own2.status, own2.body.calls.length]).toEqual([200, 3])
})

test('a token bucket taken by many at once in one millisecond spends each token once', async () => {
  // a write conditioned on the bucket's time alone let takers in the same millisecond all spend the
  // same token (their writes carry the same time): the version condition lets one of them through
  const ledger = sys.runtime.callerLedger
  const spec = { capacity: 5, perSecond: 0.001 }
  const now = sys.clock.now()
  const first = await ledger.takeToken('race-test', spec, now)
  expect(first.ok).toBe(true)
  const takes = await Promise.all(Array.from({ length: 20 }, () => ledger.takeToken('race-test', spec, now)))
  expect(takes.filter(t => t.ok)).toHaveLength(4)
})
