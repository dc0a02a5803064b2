// (e) DynamoDB Local's own ceiling for the flow's op mix: the same stores and domain functions as the
// flow (code → code SMS → query → processing → result SMS → status polls), called directly at high
// concurrency: no HTTP, no stream polling, enterprises answering at once. The requests per second it
// reaches is what DynamoDB Local (and the SDK in this process) can give.
//
// It runs on the flow's own tables, not on tables of its own. DynamoDB Local writes a stream record
// with every write to a table with a stream, and first looks up the shard's oldest record with
// `SELECT MIN(SequenceNumber) FROM us WHERE ShardID = ?`, where `us` holds the records of every
// stream and has no index on ShardID: SQLite walks it in sequence order until the shard's first
// record. A table created after a long run starts its shard behind all the records written so far,
// so each of its writes walks them all, on DynamoDB Local's one SQLite thread: fresh tables created
// after the outage run served ~90–180 requests/s whatever the concurrency, the flow's own tables
// 850–1,700 (docs/CAPACITY.md §3).
import { requesterOf } from '../src/domain/requester'
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { buildRuntime } from '../src/adapters/runtime'
import { dispatchSms } from '../src/domain/dispatch'
import { processQuery } from '../src/domain/processing'
import { requestCode, submitQuery } from '../src/domain/verification'
import { LOCAL_CREDENTIALS } from '../src/local/dynamo-local'
import { catalogue } from '../src/catalogue/index'
import { LocalSmsProvider } from '../src/adapters/sms-local'
import { cpuMeter, requestTime, seedSubscribers } from './support'

/** one /24 per flow over all calls: the tables (and their per-source limits) are shared between calls */
let sources = 0

/**
 * `tables`: the flow's table names (its env); `phones`: numbers no flow has used yet, seeded here.
 * `pollsPerFlow`: status reads per flow, as the measured flow made them (fractions rounded per flow).
 */
export async function dynamoCeiling (endpoint: string, tables: Record<string, string>, phones: string[], { warmSeconds = 2, seconds = 8, concurrency = 32, pollsPerFlow = 0, dynamoPid = undefined as number | undefined } = {}) {
  const flow = new AsyncLocalStorage<{ smsId?: string }>()
  const rt = await buildRuntime({
    env: tables,
    dynamo: { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS },
    random: { code: () => '246810', id: () => { const id = randomUUID(); const f = flow.getStore(); if (f) f.smsId = id; return id } },
    // the local system's provider: it reports delivery at once, so each SMS is also marked DELIVERED
    sms: new LocalSmsProvider(),
    gateway: { countAccounts: async id => Object.fromEntries(catalogue.enterprises.find(e => e.id === id)!.apps.map(a => [a.id, 1])) }
  })
  const numbers = [...phones]
  await seedSubscribers({ runtime: rt }, numbers)
  // counted only after a warm-up (connections, the JIT), and only until the deadline
  let counting = false
  let requests = 0
  const calls: Record<string, number> = {}
  let deadline = Infinity
  rt.doc.middlewareStack.add((next, context) => async args => {
    if (counting && Date.now() < deadline) {
      requests++
      const name = context.commandName ?? 'unknown'
      calls[name] = (calls[name] ?? 0) + 1
    }
    return next(args)
  }, { step: 'initialize', name: 'countRequests' })

  let flows = 0
  let polls = 0
  let finished = 0
  deadline = Date.now() + (warmSeconds + seconds) * 1000
  let started = 0
  const busy = requestTime(rt.doc)
  let cpu: ReturnType<ReturnType<typeof cpuMeter>> | undefined
  let inFlight = 0
  setTimeout(() => {
    counting = true
    started = Date.now()
    const meter = cpuMeter(dynamoPid)
    const busy0 = busy()
    setTimeout(() => { cpu = meter(); inFlight = (busy() - busy0) / (seconds * 1000) }, seconds * 1000)
  }, warmSeconds * 1000)
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const phone = numbers.pop()
      if (!phone) throw new Error('ceiling: out of numbers (pass more phones)')
      const state: { smsId?: string } = {}
      // each flow from its own /24, as distinct phones are in the field
      const n = ++sources
      const requester = requesterOf(rt.hasher, { sourceIp: `10.${(n >> 8) & 0xff}.${n & 0xff}.1` })
      await flow.run(state, () => requestCode(rt, { phone, requester }))
      await dispatchSms({ ...rt, smsTemplates: await rt.templates() }, state.smsId!)
      const { queryId } = await submitQuery(rt, { phone, idSuffix: '000000', code: '246810', requester })
      await processQuery({ ...rt, catalogue: (await rt.enterprises()).catalogue }, queryId)
      await dispatchSms({ ...rt, smsTemplates: await rt.templates() }, `result-${queryId}`)
      // fractional polls per flow spread over the flows, so the mix matches on average
      const k = finished++
      const due = Math.round((k + 1) * pollsPerFlow) - Math.round(k * pollsPerFlow)
      for (let i = 0; i < due; i++) await rt.queries.get(queryId, Date.now())
      if (counting && Date.now() < deadline) { flows++; polls += due }
    }
  }))
  const elapsed = (deadline - started) / 1000
  rt.doc.destroy()
  return { requestsPerSecond: requests / elapsed, flowsPerSecond: flows / elapsed, requestsPerFlow: requests / flows, pollsPerFlow: polls / flows, flows, calls, cpu, inFlight }
}
