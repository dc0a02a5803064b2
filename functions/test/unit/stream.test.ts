// A stream handler runs at most recordConcurrency records of a batch at once, and reports a failed
// record alone.
import type { DynamoDBStreamEvent } from 'aws-lambda'
import { insertedKeys } from '../../src/lib/stream'

const event = (n: number): DynamoDBStreamEvent => ({
  Records: Array.from({ length: n }, (_, i) => ({
    eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: `k${i}` } }, SequenceNumber: String(i + 1) }
  }))
})

test('no more than `concurrency` records of a batch at once; every record handled; a failure reported alone', async () => {
  let open = 0
  let most = 0
  const handled: string[] = []
  const handler = insertedKeys(async pk => {
    open++
    most = Math.max(most, open)
    await new Promise(resolve => setTimeout(resolve, 5))
    open--
    if (pk === 'k3') throw new Error('boom')
    handled.push(pk)
  }, 2)
  const res = await handler(event(7))
  expect(most).toBe(2)
  expect(handled.sort()).toEqual(['k0', 'k1', 'k2', 'k4', 'k5', 'k6'])
  expect(res.batchItemFailures).toEqual([{ itemIdentifier: '4' }])
})

test('two batches at once (the local poller\'s parallelization factor) do not share a limit or results', async () => {
  let open = 0
  let most = 0
  const handler = insertedKeys(async () => {
    open++
    most = Math.max(most, open)
    await new Promise(resolve => setTimeout(resolve, 5))
    open--
  }, 2)
  const [a, b] = await Promise.all([handler(event(4)), handler(event(4))])
  expect(most).toBe(4)
  expect([a.batchItemFailures, b.batchItemFailures]).toEqual([[], []])
})
