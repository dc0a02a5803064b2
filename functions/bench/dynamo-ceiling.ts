// (e) DynamoDB Local's own ceiling for the flow's op mix: the same stores and domain functions as the
// flow (code → code SMS → query → processing → result SMS → status polls), called directly at high
// concurrency on tables of their own: no HTTP, no stream polling, enterprises answering at once. The
// requests per second it reaches is what DynamoDB Local (and the SDK in this process) can give.
import { requesterOf } from '../src/domain/requester'
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { buildRuntime } from '../src/adapters/runtime'
import { cryptoRandom } from '../src/adapters/crypto'
import { dispatchSms } from '../src/domain/dispatch'
import { processQuery } from '../src/domain/processing'
import { requestCode, submitQuery } from '../src/domain/verification'
import { LOCAL_CREDENTIALS } from '../src/local/dynamo-local'
import { createTables } from '../src/local/tables'
import { catalogue } from '../src/catalogue/index'
import { seedSubscribers } from './support'

export async function dynamoCeiling (endpoint: string, { warmSeconds = 5, seconds = 10, concurrency = 32, pollsPerFlow = 0, phones = 8000, prefix = 'ceiling_' } = {}) {
  const config = { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS }
  const admin = new DynamoDBClient(config)
  const env = await createTables(admin, prefix)
  admin.destroy()
  const flow = new AsyncLocalStorage<{ smsId?: string }>()
  const rt = await buildRuntime({
    env,
    dynamo: config,
    random: { code: () => '246810', id: () => { const id = randomUUID(); const f = flow.getStore(); if (f) f.smsId = id; return id } },
    sms: { send: async () => ({ providerMessageId: cryptoRandom.id() }) },
    gateway: { countAccounts: async id => Object.fromEntries(catalogue.enterprises.find(e => e.id === id)!.apps.map(a => [a.id, 1])) }
  })
  const numbers = Array.from({ length: phones }, (_, i) => `137${String(i).padStart(8, '0')}`)
  await seedSubscribers({ runtime: rt }, numbers)
  // counted only after a warm-up (the first writes to fresh tables and the JIT are slow here), and
  // only until the deadline
  let counting = false
  let requests = 0
  let deadline = Infinity
  rt.doc.middlewareStack.add(next => async args => { if (counting && Date.now() < deadline) requests++; return next(args) }, { step: 'initialize', name: 'countRequests' })

  let flows = 0
  deadline = Date.now() + (warmSeconds + seconds) * 1000
  let started = 0
  setTimeout(() => { counting = true; started = Date.now() }, warmSeconds * 1000)
  let n = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const phone = numbers.pop()
      if (!phone) return
      const state: { smsId?: string } = {}
      // each flow from its own /24, as distinct phones are in the field
      const requester = requesterOf(rt.hasher, { sourceIp: `10.${(++n >> 8) & 0xff}.${n & 0xff}.1` })
      await flow.run(state, () => requestCode(rt, { phone, requester }))
      await dispatchSms({ ...rt, smsTemplates: await rt.templates() }, state.smsId!)
      const { queryId } = await submitQuery(rt, { phone, idSuffix: '000000', code: '246810', requester })
      await processQuery({ ...rt, catalogue: (await rt.enterprises()).catalogue }, queryId)
      await dispatchSms({ ...rt, smsTemplates: await rt.templates() }, `result-${queryId}`)
      for (let i = 0; i < Math.round(pollsPerFlow); i++) await rt.queries.get(queryId, Date.now())
      if (counting && Date.now() < deadline) flows++
    }
  }))
  const elapsed = (deadline - started) / 1000
  rt.doc.destroy()
  return { requestsPerSecond: requests / elapsed, flowsPerSecond: flows / elapsed, requestsPerFlow: requests / flows, flows }
}
