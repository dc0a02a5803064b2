// Nothing a sweep reads grows with history: each reads its table's sparse due index, which holds an
// item only while it can still be stuck, so thousands of finished rows beside it are never read.
// Counted on DynamoDB Local (items DynamoDB read for each Query or Scan: ScannedCount).
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { dueAttributes } from '../../src/adapters/dynamo/due-index'
import { noticeItem } from '../../src/adapters/dynamo/lifecycle-store'
import { POLICY } from '../../src/domain/policy'
import { sweepStuck } from '../../src/domain/sweep'
import { readCounter, writeFinishedRows, type FinishedTable } from '../../bench/finished-rows'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const MINUTE = 60_000
const BOUND = POLICY.stuck.afterMinutes * MINUTE
const FINISHED = 3000

let sys: TestSystem
let reads: ReturnType<typeof readCounter>
beforeAll(async () => {
  sys = await startTestSystem({ streams: false })
  reads = readCounter(sys.runtime.doc)
})
afterAll(async () => { await sys?.stop() })

const tables = () => Object.fromEntries((['Queries', 'SmsOutbox', 'NumberNotices', 'Cases'] as FinishedTable[]).map(t => [t, sys.table(t)])) as Record<FinishedTable, string>
const withDue = async (table: string) => {
  const { Items } = await sys.runtime.doc.send(new ScanCommand({ TableName: sys.table(table), ConsistentRead: true, FilterExpression: 'attribute_exists(dueShard)' }))
  return (Items ?? []).map(i => i.pk as string).sort()
}
/** the items read by `run`, and its result */
async function counted<T> (run: () => Promise<T>): Promise<{ items: number, result: T }> {
  reads.reset()
  const result = await run()
  return { items: reads.items, result }
}

test('a query and its SMS leave the due index in the write that finishes them; the stuck sweep reads only what is still open, whatever the history', async () => {
  const rt = sys.runtime
  sys.random.codes = ['135790']
  expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: '13800005551' })).status).toBe(202)
  sys.clock.advance(MINUTE)
  const submitted = await call(sys.url, 'POST', '/v1/queries', { phone: '13800005551', idSuffix: '12345X', code: '135790', consent: true })
  expect(submitted.status).toBe(202)
  const queryId = submitted.body.queryId as string
  const [codeSms] = await withDue('SmsOutbox')
  expect(await withDue('Queries')).toEqual([queryId])

  // the code SMS leaves, the query is processed and its result SMS leaves: nothing is open any more
  const code = await rt.outbox.claim(codeSms!, rt.clock.now())
  await rt.outbox.markSent(code!, { providerMessageId: 'p1', recipientHash: 'r1' }, rt.clock.now())
  const recipient = await rt.queries.claim(queryId, rt.clock.now())
  expect(await rt.queries.complete(queryId, { wechat: 1 }, { id: `result-${queryId}`, template: 'result', params: {}, to: recipient!, queryId }, rt.clock.now())).toBe(true)
  expect(await withDue('Queries')).toEqual([])
  expect(await withDue('SmsOutbox')).toEqual([`result-${queryId}`])
  const result = await rt.outbox.claim(`result-${queryId}`, rt.clock.now())
  await rt.outbox.markSent(result!, { providerMessageId: 'p2', recipientHash: 'r2' }, rt.clock.now())
  expect(await withDue('SmsOutbox')).toEqual([])

  sys.clock.advance(BOUND + MINUTE)
  const empty = await counted(() => sweepStuck(rt))
  expect(empty).toEqual({ items: 0, result: { queries: 0, messages: 0 } })

  await writeFinishedRows(rt.doc, tables(), FINISHED, rt.clock.now())
  const history = await counted(() => sweepStuck(rt))
  expect(history).toEqual({ items: 0, result: { queries: 0, messages: 0 } })

  // one SMS left open (its dispatch dead-lettered): read and ended, and only it
  expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: '13900007777' })).status).toBe(202)
  sys.clock.advance(BOUND + MINUTE)
  const stuck = await counted(() => sweepStuck(rt))
  expect(stuck).toEqual({ items: 1, result: { queries: 0, messages: 1 } })
  expect(await withDue('SmsOutbox')).toEqual([])
})

test('the notice sweep reads the notices still PENDING and no other', async () => {
  const rt = sys.runtime
  const now = rt.clock.now()
  const ids = ['jd', 'meituan', 'douyin', 'kuaishou']
  for (const enterpriseId of ids) {
    await rt.doc.send(new PutCommand({
      TableName: sys.table('NumberNotices'),
      Item: noticeItem({ noticeId: 'n-1', enterpriseId, phone: '13800005551', event: 'RELEASED', effectiveAt: now, deadline: now + 86_400_000 }, now)
    }))
  }
  // one delivered, one confirmed: both leave the index in that write
  expect(await rt.lifecycle.settleNotice('n-1', 'jd', 'DELIVERED', now)).toBe(true)
  expect(await rt.lifecycle.confirmNotice('n-1', 'meituan', { bindingsRemoved: 1, bindingsFrozen: 0 }, now)).toBe('CONFIRMED')
  const pending = await counted(() => rt.lifecycle.pendingNotices())
  expect(pending.items).toBe(2)
  expect(pending.result.sort((a, b) => a.enterpriseId.localeCompare(b.enterpriseId))).toEqual([
    { noticeId: 'n-1', enterpriseId: 'douyin' }, { noticeId: 'n-1', enterpriseId: 'kuaishou' }
  ])
  // the FINISHED confirmed notices written by the first test are in the table, never read
  const { Count } = await rt.doc.send(new ScanCommand({ TableName: sys.table('NumberNotices'), Select: 'COUNT' }))
  expect(Count).toBeGreaterThanOrEqual(FINISHED)
})

test('the case due index is spread over shards; the case sweep reads only the cases due, old single-partition rows included', async () => {
  const rt = sys.runtime
  const now = rt.clock.now()
  const put = (Item: Record<string, unknown>) => rt.doc.send(new PutCommand({ TableName: sys.table('Cases'), Item }))
  const ids = Array.from({ length: 40 }, (_, i) => `due-case-${i}`)
  for (const [i, id] of ids.entries()) await put({ pk: id, expiresAt: now / 1000 + 86400, ...dueAttributes(id, now - 1000 * (i + 1)) })
  // a row written when the index had one partition ("due")
  await put({ pk: 'legacy-case', expiresAt: now / 1000 + 86400, dueShard: 'due', dueAt: now - 100_000 })
  // one not due yet
  await put({ pk: 'later-case', expiresAt: now / 1000 + 86400, ...dueAttributes('later-case', now + MINUTE) })
  const shards = new Set(ids.map(id => dueAttributes(id, 0).dueShard))
  expect(shards.size).toBeGreaterThan(8)

  const due = await counted(() => rt.cases.due(now, 100))
  expect(due.result.sort()).toEqual([...ids, 'legacy-case'].sort())
  expect(due.items).toBe(41)
  // a limit keeps the soonest due: the legacy row (100 s ago) and the oldest of the others
  expect((await rt.cases.due(now, 2)).sort()).toEqual(['due-case-39', 'legacy-case'])
})
