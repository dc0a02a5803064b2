// Parallel requests for one number that collide inside DynamoDB (TransactionConflict) are retried,
// then answered 429 with a one-second wait, never 503 (which would trip the 5xx alarm on demand).
// DynamoDB Local serialises transactions and seldom reports a conflict, so a client that always
// reports one stands in for real DynamoDB under contention here.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { hmacHasher } from '../../src/adapters/crypto'
import { tableNames, type Doc } from '../../src/adapters/dynamo/client'
import { DynamoVerificationStore } from '../../src/adapters/dynamo/verification-store'
import type { Runtime } from '../../src/adapters/runtime'
import { makeHandler as sendCodeHandler } from '../../src/handlers/send-code'
import { makeHandler as submitQueryHandler } from '../../src/handlers/submit-query'

function conflictingDoc (kind: 'transaction' | 'item'): { doc: Doc, sent: string[] } {
  const sent: string[] = []
  const doc = {
    async send (command: { constructor: { name: string } }) {
      const name = command.constructor.name
      sent.push(name)
      if (name === 'GetCommand' || name === 'BatchGetCommand') return {}
      if (name === 'TransactWriteCommand') {
        if (kind === 'item') throw Object.assign(new Error('conflict'), { name: 'TransactionConflictException' })
        throw Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] })
      }
      if (name === 'UpdateCommand') throw Object.assign(new Error('conflict'), { name: 'TransactionConflictException' })
      throw new Error(`unexpected ${name}`)
    }
  } as unknown as Doc
  return { doc, sent }
}

function runtimeOver (doc: Doc): () => Promise<Runtime> {
  const rt = {
    clock: { now: () => Date.parse('2026-07-21T02:00:00Z') },
    random: { code: () => '123456', id: () => '00000000-0000-4000-8000-000000000000' },
    hasher: hmacHasher('unit-test-pepper'),
    carrier: { check: async () => undefined },
    verification: new DynamoVerificationStore(doc, tableNames({}))
  }
  return async () => rt as unknown as Runtime
}

const event = (path: string, body: unknown) => ({
  routeKey: `POST ${path}`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { http: { sourceIp: '203.0.113.9' } }
}) as unknown as APIGatewayProxyEventV2

test.each(['transaction', 'item'] as const)('a code request whose transaction keeps colliding (%s conflict): retried, then 429 Retry-After 1', async kind => {
  const { doc, sent } = conflictingDoc(kind)
  const res = await sendCodeHandler(runtimeOver(doc))(event('/v1/verification-codes', { phone: '13700001234' }))
  expect(res.statusCode).toBe(429)
  expect(res.headers?.['retry-after']).toBe('1')
  expect(JSON.parse(res.body).error.code).toBe('RATE_LIMITED')
  expect(sent.filter(n => n === 'TransactWriteCommand').length).toBeGreaterThan(1)
})

test('a code try on an item inside another transaction: retried, then 429, never 503', async () => {
  const { doc, sent } = conflictingDoc('item')
  const res = await submitQueryHandler(runtimeOver(doc))(event('/v1/queries', { phone: '13700001234', idSuffix: '123456', code: '123456', consent: true }))
  expect(res.statusCode).toBe(429)
  expect(res.headers?.['retry-after']).toBe('1')
  expect(sent.filter(n => n === 'UpdateCommand').length).toBeGreaterThan(1)
})
