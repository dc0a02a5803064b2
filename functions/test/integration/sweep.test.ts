// Nothing holds a clear number past its bound, whatever fails: with the stream consumers never
// running (their records dead-lettered), the sweep ends the stuck query and SMS as FAILED and drops
// the number and the text. On DynamoDB Local, over real HTTP.
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { dueAttributes } from '../../src/adapters/dynamo/due-index'
import { POLICY } from '../../src/domain/policy'
import { makeHandler } from '../../src/handlers/sweep-stuck'
import { call, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const PHONE = '13800005551'
const SUFFIX = '12345X'
const MINUTE = 60_000
const BOUND = POLICY.stuck.afterMinutes * MINUTE

let sys: TestSystem
beforeAll(async () => { sys = await startTestSystem({ streams: false }) })
afterAll(async () => { await sys?.stop() })

const sweep = () => makeHandler(() => Promise.resolve(sys.runtime))()
const byPk = (rows: Record<string, unknown>[], pk: string) => rows.find(r => r.pk === pk)!

/** the rows that hold a number or SMS text in clear */
function clearRows (dump: Awaited<ReturnType<TestSystem['dump']>>) {
  return [
    ...dump.Queries.filter(q => 'recipient' in q).map(q => `query ${q.pk as string}`),
    ...dump.SmsOutbox.filter(m => 'to' in m || 'params' in m).map(m => `sms ${m.pk as string}`)
  ]
}

test('a query and an SMS whose consumers never ran are ended as FAILED, without their clear number, once past the bound and not before', async () => {
  sys.random.codes = ['246810']
  expect((await call(sys.url, 'POST', '/v1/verification-codes', { phone: PHONE })).status).toBe(202)
  sys.clock.advance(MINUTE)
  const submitted = await call(sys.url, 'POST', '/v1/queries', { phone: PHONE, idSuffix: SUFFIX, code: '246810', consent: true })
  expect(submitted.status).toBe(202)
  const queryId = submitted.body.queryId as string

  // a result SMS stuck in SENDING (its dispatcher crashed, the record dead-lettered), query PROCESSING
  const stuckQueryId = 'q-stuck-result'
  const t0 = sys.clock.now()
  await sys.runtime.doc.send(new PutCommand({ TableName: sys.table('Queries'), Item: { pk: stuckQueryId, phoneHash: 'h', maskedPhone: '138****5551', status: 'PROCESSING', acceptedAt: t0, expiresAt: t0 / 1000 + 86400 } }))
  await sys.runtime.doc.send(new PutCommand({ TableName: sys.table('SmsOutbox'), Item: { pk: `result-${stuckQueryId}`, template: 'result', to: PHONE, params: { tail: PHONE.slice(-4) }, queryId: stuckQueryId, status: 'SENDING', tries: 1, createdAt: t0, expiresAt: t0 / 1000 + 86400, ...dueAttributes(`result-${stuckQueryId}`, t0) } }))
  // a query that ended well long ago keeps what it has
  await sys.runtime.doc.send(new PutCommand({ TableName: sys.table('Queries'), Item: { pk: 'q-sent', phoneHash: 'h', maskedPhone: '138****5551', status: 'SENT', acceptedAt: t0 - 10 * BOUND, sentAt: t0 - 10 * BOUND, expiresAt: t0 / 1000 + 86400 } }))

  const before = await sys.dump()
  expect(clearRows(before).sort()).toEqual([`query ${queryId}`, `sms result-${stuckQueryId}`, ...before.SmsOutbox.filter(m => m.template === 'code').map(m => `sms ${m.pk as string}`)].sort())

  // just inside the bound: nothing is touched
  sys.clock.advance(BOUND - MINUTE - 1)
  expect(await sweep()).toEqual({ queries: 0, messages: 0 })
  expect(await sys.dump()).toEqual(before)

  // past it: everything stuck ends, nothing clear is left
  sys.clock.advance(2 * MINUTE)
  expect(await sweep()).toEqual({ queries: 1, messages: 2 })
  const after = await sys.dump()
  expect(clearRows(after)).toEqual([])
  expect(byPk(after.Queries, queryId)).toMatchObject({ status: 'FAILED', failedAt: sys.clock.now() })
  expect(byPk(after.Queries, stuckQueryId)).toMatchObject({ status: 'FAILED' })
  expect(byPk(after.SmsOutbox, `result-${stuckQueryId}`)).toMatchObject({ status: 'FAILED' })
  expect(byPk(after.Queries, 'q-sent')).toEqual(byPk(before.Queries, 'q-sent'))
  expect((await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body.status).toBe('FAILED')

  // a consumer that finally runs finds nothing to do; a second sweep neither
  expect(await sys.runtime.queries.claim(queryId, sys.clock.now())).toBeUndefined()
  expect(await sweep()).toEqual({ queries: 0, messages: 0 })
})

test('the local runtime runs the sweep on a timer', async () => {
  const timed = await startTestSystem({ streams: false, scheduleEveryMs: 50 })
  try {
    expect((await call(timed.url, 'POST', '/v1/verification-codes', { phone: PHONE })).status).toBe(202)
    expect(clearRows(await timed.dump())).toHaveLength(1)
    timed.clock.advance(BOUND + MINUTE)
    await waitFor(async () => clearRows(await timed.dump()).length === 0, 'the timed sweep')
    expect((await timed.dump()).SmsOutbox[0]).toMatchObject({ status: 'FAILED' })
  } finally {
    await timed.stop()
  }
})
