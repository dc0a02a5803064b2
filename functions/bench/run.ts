// `npm run bench -w @yzt/functions`: (a) fan-out parallelism, (b) the full flow through the local
// API at 1, 8 and 32 concurrent clients, (c) DynamoDB requests per accepted query (under load, and per
// step beside its design minimum), (d) one enterprise
// hung / failing 50 % / slow at 32 clients, (e) DynamoDB Local's own ceiling for the flow's op mix and
// how much of it the flow uses.
import * as os from 'node:os'
import { catalogue } from '../src/catalogue/index'
import { askEnterprises } from '../src/domain/fan-out'
import { startDynamoLocal } from '../src/local/dynamo-local'
import { startSystem, type System } from '../src/local/system'
import { tableEnv } from '../src/local/tables'
import { logger } from '../src/lib/logger'
import { dynamoCeiling } from './dynamo-ceiling'
import { outageRun, report } from './outages'
import { byCommand, client, codeWaiter, HOT_PATH_MINIMUM, hotPathSteps, median, nextDeviceAddress, pct, percent, perFlow, seedSubscribers, type HotPathStep } from './support'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
logger.setLogLevel('ERROR')

/** which sections to run (default all): BENCH_SECTIONS=de runs only the outages and the ceiling */
const SECTIONS = process.env.BENCH_SECTIONS ?? 'abcde'

async function fanOutBench (sys: System) {
  const latencies = [100, 200, 300, 400, 500, 600, 700, 800]
  catalogue.enterprises.forEach((e, i) => sys.mock.setFaults(e.id, { latencyMs: latencies[i]! }))
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    const { failures } = await askEnterprises(sys.runtime.gateway, catalogue, '13800005551')
    if (failures.length) throw new Error(`fan-out failed: ${JSON.stringify(failures)}`)
    runs.push(performance.now() - t)
  }
  sys.mock.clearFaults()
  const slowest = Math.max(...latencies)
  const sum = latencies.reduce((a, b) => a + b, 0)
  return { median: median(runs), slowest, sum }
}

async function flowBench (sys: System, concurrency: number, seconds: number, phones: string[], codeFor: (phone: string) => Promise<string>) {
  const durations: number[] = []
  const steps = { code: [] as number[], query: [] as number[], sms: [] as number[] }
  let errors = 0
  const errorKinds: Record<string, number> = {}
  const fail = (what: string) => { errors++; errorKinds[what] = (errorKinds[what] ?? 0) + 1 }
  const deadline = Date.now() + seconds * 1000
  const calls0 = Object.values(sys.ddbCalls).reduce((a, b) => a + b, 0)
  let accepted = 0
  let polls = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const phone = phones.pop()
      if (!phone) return
      const call = client(sys.url, nextDeviceAddress())
      const t0 = performance.now()
      const sent = await call('POST', '/v1/verification-codes', { phone })
      if (sent.status !== 202) { fail(`code ${sent.status} ${sent.json?.error?.code}`); continue }
      const code = await codeFor(phone)
      const t1 = performance.now()
      const q = await call('POST', '/v1/queries', { phone, idSuffix: '000000', code, consent: true })
      if (q.status !== 202) { fail(`query ${q.status} ${q.json?.error?.code}`); continue }
      accepted++
      const t2 = performance.now()
      for (;;) {
        polls++
        const s = await call('GET', `/v1/queries/${q.json.queryId}`)
        if (s.json?.status === 'SENT' || s.json?.status === 'DELIVERED') break
        if (s.json?.status === 'FAILED') { fail('FAILED'); break }
        await new Promise(r => setTimeout(r, 50))
      }
      const t3 = performance.now()
      steps.code.push(t1 - t0); steps.query.push(t2 - t1); steps.sms.push(t3 - t2)
      durations.push(t3 - t0)
    }
  }))
  const calls = Object.values(sys.ddbCalls).reduce((a, b) => a + b, 0) - calls0
  return { concurrency, flows: durations.length, errors, errorKinds, perSecond: durations.length / seconds, p50: pct(durations, 0.5), p99: pct(durations, 0.99), steps, calls, accepted, polls }
}

/**
 * Section (c) per step: accepted queries one at a time on a system of their own (its own tables on the
 * same DynamoDB Local, no stream pollers), requests per step averaged by command.
 */
async function stepBench (dynamoEndpoint: string, flows: number) {
  const tablePrefix = 'steps_'
  const sys = await startSystem({ dynamoEndpoint, tablePrefix, streams: false })
  try {
    const subscribers = Array.from({ length: flows }, (_, i) => ({ phone: `136${String(i).padStart(8, '0')}`, idSuffix: '000000' }))
    await seedSubscribers(sys, subscribers.map(s => s.phone))
    const sums = Object.fromEntries(Object.keys(HOT_PATH_MINIMUM).map(k => [k, { requests: 0, breakerReads: 0, commands: {} as Record<string, number> }])) as
      Record<HotPathStep, { requests: number, breakerReads: number, commands: Record<string, number> }>
    for (const [i, subscriber] of subscribers.entries()) {
      // every other flow with Idempotency-Keys: their record is read in the step's one BatchGetItem
      const steps = await hotPathSteps(sys, tablePrefix, subscriber, { idempotencyKeys: i % 2 === 1 })
      for (const [name, step] of Object.entries(steps) as [HotPathStep, typeof steps[HotPathStep]][]) {
        const sum = sums[name]
        sum.requests += step.requests.length / flows
        sum.breakerReads += step.breakerReads / flows
        for (const [command, n] of Object.entries(byCommand(step.requests))) sum.commands[command] = (sum.commands[command] ?? 0) + n / flows
      }
    }
    return sums
  } finally {
    await sys.stop()
  }
}

async function main () {
  const seconds = Number(process.env.BENCH_SECONDS ?? 15)
  const phones = Array.from({ length: 15_000 }, (_, i) => `135${String(i).padStart(8, '0')}`)
  const dynamo = await startDynamoLocal()
  const sys = await startSystem({ dynamoEndpoint: dynamo.endpoint, pollIdleMs: 20 })
  const codeFor = codeWaiter(sys)
  let stopped: Promise<void> | undefined
  const stopSystem = () => (stopped ??= sys.stop())
  console.log(`machine: ${os.cpus().length} cores (shared with other work: figures vary from run to run), Node ${process.version}`)
  try {
    await seedSubscribers(sys, phones)
    if (SECTIONS.includes('a')) {
      const a = await fanOutBench(sys)
      console.log('\n(a) fan-out to 8 enterprises at 100…800 ms (median of 5)')
      console.log(`    took ${a.median.toFixed(0)} ms; slowest enterprise ${a.slowest} ms → ratio ${(a.median / a.slowest).toFixed(2)} (sequential would be ${(a.sum / a.slowest).toFixed(2)})`)
    }

    if (SECTIONS.includes('b')) {
      console.log(`\n(b) full flow (code → query → result SMS) through the local API, ${seconds} s per level`)
      console.log('    clients  flows  flows/s   p50 ms   p99 ms   code p50  query p50  sms p50  errors')
      const perQuery: string[] = []
      for (const c of [1, 8, 32]) {
        Object.keys(sys.ddbCalls).forEach(k => { sys.ddbCalls[k] = 0 })
        const r = await flowBench(sys, c, seconds, phones, codeFor)
        await new Promise(res => setTimeout(res, 500))
        console.log(`    ${String(c).padStart(7)}  ${String(r.flows).padStart(5)}  ${r.perSecond.toFixed(1).padStart(7)}  ${r.p50.toFixed(0).padStart(7)}  ${r.p99.toFixed(0).padStart(7)}  ${median(r.steps.code).toFixed(0).padStart(8)}  ${median(r.steps.query).toFixed(0).padStart(9)}  ${median(r.steps.sms).toFixed(0).padStart(7)}  ${String(r.errors).padStart(6)}`)
        if (r.errors) console.log(`             errors: ${JSON.stringify(r.errorKinds)}`)
        perQuery.push(`    ${c} clients: ${(r.calls / r.accepted).toFixed(2)} requests per accepted query (${Object.entries(sys.ddbCalls).map(([k, v]) => `${k.replace('Command', '')} ${(v / r.accepted).toFixed(2)}`).join(', ')}); of which status polls ${(r.polls / r.accepted).toFixed(2)}; without polls ${((r.calls - r.polls) / r.accepted).toFixed(2)}`)
      }
      if (SECTIONS.includes('c')) {
        console.log('\n(c) DynamoDB requests per accepted query (SDK middleware count)')
        console.log('    under load, section (b):')
        for (const line of perQuery) console.log(line)
      }
    }

    if (SECTIONS.includes('c')) {
      if (!SECTIONS.includes('b')) console.log('\n(c) DynamoDB requests per accepted query (SDK middleware count)')
      const flows = 10
      const steps = await stepBench(dynamo.endpoint, flows)
      console.log(`    per step, ${flows} accepted queries one at a time (streams off, each consumer invoked with its stream record, so every request counts against its step):`)
      console.log('    step          minimum  measured  by command')
      let minimum = 0
      let measured = 0
      for (const [name, s] of Object.entries(steps) as [HotPathStep, typeof steps[HotPathStep]][]) {
        minimum += HOT_PATH_MINIMUM[name]
        measured += s.requests
        const commands = Object.entries(s.commands).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')
        console.log(`    ${name.padEnd(12)}  ${String(HOT_PATH_MINIMUM[name]).padStart(7)}  ${s.requests.toFixed(2).padStart(8)}  ${commands}`)
      }
      const breakerReads = Object.values(steps).reduce((n, s) => n + s.breakerReads, 0)
      console.log(`    ${'total'.padEnd(12)}  ${String(minimum).padStart(7)}  ${measured.toFixed(2).padStart(8)}  (plus ${breakerReads.toFixed(2)} breaker-state reads per query: one BatchGetItem per container per second, not per query)`)
    }

    if (SECTIONS.includes('d') || SECTIONS.includes('e')) {
      console.log('\n(d) one enterprise down, 32 clients, one continuous run; steady state = from 10 s after the fault began, for 15 s; ×healthy against the healthy windows either side')
      const run = await outageRun(sys, phones, { dynamoPid: dynamo.pid })
      const { lines, healthy, requestsPerFlow, pollsPerFlow } = report(run)
      for (const line of lines) console.log(line)

      // the ceiling on the same DynamoDB Local and the flow's own tables, alone: the API and the stream
      // pollers stopped (fresh tables would be slowed by DynamoDB Local's streams: see dynamo-ceiling.ts)
      await stopSystem()
      console.log(`\n(e) DynamoDB Local's ceiling for the flow's op mix (the flow's tables, its ${pollsPerFlow.toFixed(1)} status polls per flow; N flows at once after 2 s of warm-up, no HTTP, no streams, instant enterprises; the best N counts)`)
      const levels: Awaited<ReturnType<typeof dynamoCeiling>>[] = []
      for (const [i, concurrency] of [16, 32, 64].entries()) {
        // numbers of their own (137…), unused by the flow (135…) and by the other levels
        const numbers = Array.from({ length: 3000 }, (_, j) => `137${i}${String(j).padStart(7, '0')}`)
        // tableEnv(): the system's tables (it was started without a prefix)
        const c = await dynamoCeiling(dynamo.endpoint, tableEnv(), numbers, { pollsPerFlow, concurrency, dynamoPid: dynamo.pid })
        console.log(`    ${String(concurrency).padStart(2)} at once: ${c.requestsPerSecond.toFixed(0)} requests/s (${c.flowsPerSecond.toFixed(1)} flows/s × ${c.requestsPerFlow.toFixed(1)} requests per flow, of which ${c.pollsPerFlow.toFixed(1)} status polls; ${c.flows} flows), ${c.inFlight.toFixed(1)} in flight on average; CPU DynamoDB Local ${percent(c.cpu?.other)}, this process ${percent(c.cpu?.own)}`)
        levels.push(c)
      }
      const ceiling = levels.reduce((best, c) => c.requestsPerSecond > best.requestsPerSecond ? c : best)
      console.log(`    its op mix per flow: ${perFlow(ceiling.calls, ceiling.flows)}`)
      const used = healthy.perSecond * requestsPerFlow / ceiling.requestsPerSecond
      console.log(`    healthy flow: ${healthy.perSecond.toFixed(1)} flows/s × ${requestsPerFlow.toFixed(1)} requests per flow ÷ ${ceiling.requestsPerSecond.toFixed(0)} = ${used.toFixed(2)} of the ceiling (goal ≥ 0.9)`)
    }
  } finally {
    await stopSystem()
    await dynamo.stop()
  }
}

main().catch(err => { console.error(err); process.exit(1) })
