// The stream-triggered half: fan-out to the mocked enterprises over HTTP, the result SMS, and
// the guarantees that a redelivered record sends nothing twice.
import type { DynamoDBStreamEvent } from 'aws-lambda'
import { makeHandler as processHandler } from '../../src/handlers/process-query'
import { makeHandler as dispatchHandler } from '../../src/handlers/dispatch-sms'
import { catalogue } from '../../src/catalogue/index'
import { POLICY } from '../../src/domain/policy'
import { resultSms } from '../../src/domain/sms-templates'
import { FUNCTIONS } from '../../src/infra-shared/functions'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const ALICE_SMS = '【一证通查】截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号0个、QQ账号0个、微信账号1个。'

let sys: TestSystem
afterEach(async () => { await sys?.stop() })

async function accept (who = ALICE): Promise<string> {
  const code = await requestCodeAndRead(sys, who.phone)
  const res = await call(sys.url, 'POST', '/v1/queries', { ...who, code, consent: true })
  expect(res.status).toBe(202)
  expect(res.body).toEqual({ queryId: expect.any(String), maskedPhone: '138****5551', status: 'ACCEPTED' })
  return res.body.queryId
}

const status = async (queryId: string) => (await call(sys.url, 'GET', `/v1/queries/${queryId}`)).body
const resultTexts = (phone: string) => sys.sms.all().filter(m => m.to === phone && m.text.includes('截至'))
const settled = (queryId: string) => waitFor(async () => {
  const s = await status(queryId)
  return ['DELIVERED', 'UNDELIVERED', 'FAILED'].includes(s.status) ? s : undefined
}, 'query settled')

test('accepted → processing → one result SMS, word for word, dated in China time; GET never shows counts', async () => {
  // 2026-07-20 23:30 UTC is already 21 July in China
  sys = await startTestSystem()
  sys.clock.t = Date.parse('2026-07-20T23:30:00Z')
  const queryId = await accept()
  const first = await status(queryId)
  expect(['ACCEPTED', 'PROCESSING', 'SENT', 'DELIVERED']).toContain(first.status)
  const final = await settled(queryId)
  expect(final).toEqual({
    queryId, maskedPhone: '138****5551', status: 'DELIVERED', acceptedAt: '2026-07-20T23:30:00.000Z', sentAt: expect.any(String)
  })
  expect(resultTexts(ALICE.phone).map(m => m.text)).toEqual([ALICE_SMS])
  expect(sys.mock.served).toEqual({ alibaba: 1, alipay: 1, douyin: 1, baidu: 1, jd: 1, meituan: 1, kuaishou: 1, tencent: 1 })
})

test('a number outside the seed gets counts derived from the number, the same every time', async () => {
  const seed = { subscribers: [{ phone: '13600001111', idSuffix: '000001', status: 'active' }] }
  sys = await startTestSystem({ seed })
  const who = { phone: '13600001111', idSuffix: '000001' }
  const code = await requestCodeAndRead(sys, who.phone)
  const { body } = await call(sys.url, 'POST', '/v1/queries', { ...who, code, consent: true })
  await settled(body.queryId)
  sys.clock.advance(61_000)
  const again = await requestCodeAndRead(sys, who.phone)
  const second = await call(sys.url, 'POST', '/v1/queries', { ...who, code: again, consent: true })
  await settled(second.body.queryId)
  const [a, b] = resultTexts(who.phone).map(m => m.text)
  expect(a).toMatch(/闲鱼账号\d个/)
  expect(b).toBe(a)
})

test('an enterprise that times out yields 暂无法查询 for exactly its apps', async () => {
  sys = await startTestSystem()
  sys.mock.setFaults('alibaba', { latencyMs: 2500 })
  const queryId = await accept()
  expect((await settled(queryId)).status).toBe('DELIVERED')
  const [text] = resultTexts(ALICE.phone).map(m => m.text)
  expect(text).toContain('闲鱼账号暂无法查询、淘宝账号暂无法查询、钉钉账号暂无法查询、支付宝账号1个')
  expect(text!.match(/暂无法查询/g)).toHaveLength(3)
  expect(sys.mock.served.alibaba).toBe(2) // the deadline, then one retry
}, 30_000)

test.each([
  ['answers 500', { failRate: 1 }],
  ['answers garbage', { malformedRate: 1 }]
])('an enterprise that %s is unavailable, the others are counted', async (_what, faults) => {
  sys = await startTestSystem()
  sys.mock.setFaults('tencent', faults)
  const queryId = await accept()
  await settled(queryId)
  const [text] = resultTexts(ALICE.phone).map(m => m.text)
  expect(text).toContain('快手平台账号0个、QQ账号暂无法查询、微信账号暂无法查询。')
  expect(text!.match(/暂无法查询/g)).toHaveLength(2)
})

test('a stream record delivered twice produces one SMS', async () => {
  sys = await startTestSystem()
  const queryId = await accept()
  await settled(queryId)
  const rt = () => Promise.resolve(sys.runtime)
  const insert = (pk: string, seq: string): DynamoDBStreamEvent => ({
    Records: [{ eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: pk } }, SequenceNumber: seq } }]
  })
  // Lambda delivers at least once: replay both records, twice each
  for (let i = 0; i < 2; i++) {
    expect(await processHandler(rt)(insert(queryId, `q${i}`))).toEqual({ batchItemFailures: [] })
    expect(await dispatchHandler(rt)(insert(`result-${queryId}`, `s${i}`))).toEqual({ batchItemFailures: [] })
  }
  expect(resultTexts(ALICE.phone)).toHaveLength(1)
  expect((await status(queryId)).status).toBe('DELIVERED')
})

test('a crash after the provider accepted but before the state was saved: the redelivery sends nothing twice', async () => {
  sys = await startTestSystem()
  const queryId = await accept()
  await settled(queryId)
  const messageId = `result-${queryId}`
  // put the message back to "claimed, provider called, state not saved"
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb')
  await sys.runtime.doc.send(new UpdateCommand({
    TableName: sys.table('Queries'),
    Key: { pk: queryId },
    UpdateExpression: 'SET #s = :processing REMOVE sentAt',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':processing': 'PROCESSING' }
  }))
  await sys.runtime.doc.send(new UpdateCommand({
    TableName: sys.table('SmsOutbox'),
    Key: { pk: messageId },
    UpdateExpression: 'SET #s = :sending, #to = :to, params = :params',
    ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
    ExpressionAttributeValues: { ':sending': 'SENDING', ':to': ALICE.phone, ':params': resultSms({ catalogue, phone: ALICE.phone, results: {}, processedAt: 0 }).params }
  }))
  const res = await dispatchHandler(() => Promise.resolve(sys.runtime))({
    Records: [{ eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: messageId } }, SequenceNumber: '1' } }]
  })
  expect(res).toEqual({ batchItemFailures: [] })
  expect(resultTexts(ALICE.phone)).toHaveLength(1)
  const outbox = (await sys.dump()).SmsOutbox!.find(m => m.pk === messageId)!
  expect(outbox.status).toBe('DELIVERED')
  expect(outbox).not.toHaveProperty('to')
  expect((await status(queryId)).status).toBe('DELIVERED')
})

test('the SMS provider failing: retried with backoff in each invocation and by the stream, the query PROCESSING meanwhile, then FAILED by the sweep, visible in GET', async () => {
  sys = await startTestSystem()
  const code = await requestCodeAndRead(sys, ALICE.phone)
  sys.sms.failRate = 1
  const { body } = await call(sys.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })
  const messageId = `result-${body.queryId as string}`
  // every invocation's tries fail: the record is retried retryAttempts times, then dead-lettered
  await waitFor(() => sys.deadLetters.find(d => d.key === messageId), 'the dead letter', 40_000)
  expect((await status(body.queryId)).status).toBe('PROCESSING')
  const waiting = (await sys.dump()).SmsOutbox!.find(m => m.pk === messageId)!
  expect(waiting).toMatchObject({ status: 'SENDING', tries: 1 + FUNCTIONS.dispatchSms.consumer.retryAttempts })
  // the bound ends it
  sys.clock.advance(POLICY.stuck.afterMinutes * 60_000 + 1)
  await sys.scheduled.sweepStuck!()
  const final = await settled(body.queryId)
  expect(final.status).toBe('FAILED')
  expect(final).not.toHaveProperty('sentAt')
  const outbox = (await sys.dump()).SmsOutbox!.find(m => m.template === 'result')!
  expect(outbox).toMatchObject({ status: 'FAILED' })
  expect(outbox).not.toHaveProperty('to')
  expect(outbox).not.toHaveProperty('params')
}, 60_000)
