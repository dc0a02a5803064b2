// (d) One enterprise down, through the local API at 32 clients, in one continuous run: healthy, then
// one enterprise hung, failing 50 %, slow (1.9 s), each followed by a recovery. Each fault is measured
// in its steady state (from 10 s after it starts: queries in flight when it starts wait out the
// deadline whatever the design) and its transition (the first 10 s) is reported apart.
import type { Faults } from '../src/mock-enterprises/service'
import type { System } from '../src/local/system'
import { client, codeWaiter, countsSince, cpuMeter, nextDeviceAddress, pct, percent, perFlow, requestTime } from './support'

export interface Sample { acceptedAt: number, sentAt: number }
export interface Window { name: string, enterpriseId?: string, faultAt?: number, from: number, to: number, asked?: number, breaker?: string, requests?: number, calls?: Record<string, number>, polls?: number, cpu?: { other?: number, own: number }, inFlight?: number }

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export const OUTAGES: { name: string, enterpriseId: string, faults: Faults }[] = [
  { name: 'one hung (jd)', enterpriseId: 'jd', faults: { latencyMs: 60_000 } },
  { name: 'one failing 50 % (tencent)', enterpriseId: 'tencent', faults: { failRate: 0.5 } },
  { name: 'one slow 1.9 s (baidu)', enterpriseId: 'baidu', faults: { latencyMs: 1900 } }
]

const requestsSoFar = (sys: System) => Object.values(sys.ddbCalls).reduce((a, b) => a + b, 0)

export async function outageRun (sys: System, phones: string[], { clients = 32, warmMs = 10_000, transitionMs = 10_000, measureMs = 15_000, recoverMs = 12_000, dynamoPid = undefined as number | undefined } = {}) {
  const samples: Sample[] = []
  const errors: Record<string, number> = {}
  const fail = (what: string) => { errors[what] = (errors[what] ?? 0) + 1 }
  const codeFor = codeWaiter(sys)
  const durations = timeFunctions(sys)
  let running = true
  let polls = 0
  const busy = requestTime(sys.runtime.doc)

  const users = Array.from({ length: clients }, async () => {
    while (running) {
      const phone = phones.pop()
      if (!phone) { fail('out of numbers'); return }
      const call = client(sys.url, nextDeviceAddress())
      const sent = await call('POST', '/v1/verification-codes', { phone })
      if (sent.status !== 202) { fail(`code ${sent.status} ${sent.json?.error?.code}`); continue }
      const code = await Promise.race([codeFor(phone), sleep(30_000).then(() => undefined)])
      if (!code) { fail('code SMS late'); continue }
      const q = await call('POST', '/v1/queries', { phone, idSuffix: '000000', code, consent: true })
      if (q.status !== 202) { fail(`query ${q.status} ${q.json?.error?.code}`); continue }
      for (;;) {
        polls++
        const s = await call('GET', `/v1/queries/${q.json.queryId}`)
        if (s.json?.status === 'SENT' || s.json?.status === 'DELIVERED') { samples.push({ acceptedAt: Date.parse(s.json.acceptedAt), sentAt: Date.parse(s.json.sentAt) }); break }
        if (s.json?.status === 'FAILED') { fail('FAILED'); break }
        await sleep(50)
      }
    }
  })

  // every fault is compared with the healthy windows just before and after it: on a shared machine
  // the load of other work drifts within minutes, and adjacent references keep the ratios honest
  const windows: Window[] = []
  const healthyWindow = async (name: string) => {
    const from = Date.now()
    const requests0 = requestsSoFar(sys)
    const calls0 = { ...sys.ddbCalls }
    const polls0 = polls
    const cpu = cpuMeter(dynamoPid)
    const busy0 = busy()
    await sleep(measureMs)
    const to = Date.now()
    windows.push({ name, from, to, requests: requestsSoFar(sys) - requests0, calls: countsSince(calls0, sys.ddbCalls), polls: polls - polls0, cpu: cpu(), inFlight: (busy() - busy0) / (to - from) })
  }
  await sleep(warmMs)
  for (const outage of OUTAGES) {
    await healthyWindow(`healthy, before ${outage.enterpriseId}`)
    const faultAt = Date.now()
    sys.mock.setFaults(outage.enterpriseId, outage.faults)
    await sleep(transitionMs)
    const from = Date.now()
    const asked0 = sys.mock.served[outage.enterpriseId] ?? 0
    await sleep(measureMs)
    const to = Date.now()
    windows.push({
      name: outage.name, enterpriseId: outage.enterpriseId, faultAt, from, to,
      asked: (sys.mock.served[outage.enterpriseId] ?? 0) - asked0,
      breaker: sys.runtime.breakers.state(outage.enterpriseId).mode
    })
    sys.mock.clearFaults()
    // an open breaker lets its next probe through after openMs: recovered before the next reference
    await sleep(recoverMs)
  }
  await healthyWindow('healthy, at the end')
  running = false
  await Promise.all(users)
  return { samples, errors, windows, durations }
}

/** processQuery and dispatchSms durations per record (claim → completion), by when they ended */
function timeFunctions (sys: System) {
  const durations = { processQuery: [] as { at: number, ms: number }[], dispatchSms: [] as { at: number, ms: number }[] }
  const began = new Map<string, number>()
  const done = (name: keyof typeof durations, id: string) => {
    const t = began.get(id)
    began.delete(id)
    if (t !== undefined) durations[name].push({ at: Date.now(), ms: performance.now() - t })
  }
  const q = sys.runtime.queries
  const o = sys.runtime.outbox
  const { claim: claimQuery, complete } = { claim: q.claim.bind(q), complete: q.complete.bind(q) }
  const { claim: claimSms, markSent } = { claim: o.claim.bind(o), markSent: o.markSent.bind(o) }
  q.claim = (id, now) => { began.set(id, performance.now()); return claimQuery(id, now) }
  q.complete = async (id, ...rest) => { const r = await complete(id, ...rest); done('processQuery', id); return r }
  o.claim = (id, now) => { began.set(id, performance.now()); return claimSms(id, now) }
  o.markSent = async (m, ...rest) => { await markSent(m, ...rest); done('dispatchSms', m.id) }
  return durations
}

export function report ({ samples, errors, windows, durations }: Awaited<ReturnType<typeof outageRun>>) {
  const latency = (s: Sample) => s.sentAt - s.acceptedAt
  const within = (from: number, to: number) => samples.filter(s => s.sentAt >= from && s.sentAt < to)
  const stats = (...ws: Window[]) => {
    const xs = ws.flatMap(w => within(w.from, w.to)).map(latency)
    const seconds = ws.reduce((sum, w) => sum + (w.to - w.from) / 1000, 0)
    return { perSecond: xs.length / seconds, p50: pct(xs, 0.5), p99: pct(xs, 0.99), n: xs.length }
  }
  const lines: string[] = []
  lines.push('    window                       flows/s  ×healthy   accepted→SENT p50   p99 ms  ×healthy   asked/s  breaker')
  const goals: string[] = []
  windows.forEach((w, i) => {
    const s = stats(w)
    // a fault against the healthy windows either side of it (pooled): the machine's load drifts
    const reference = w.enterpriseId ? stats(windows[i - 1]!, windows[i + 1]!) : s
    lines.push(`    ${w.name.padEnd(27)} ${s.perSecond.toFixed(1).padStart(8)} ${(s.perSecond / reference.perSecond).toFixed(2).padStart(9)} ${s.p50.toFixed(0).padStart(19)} ${s.p99.toFixed(0).padStart(8)} ${(s.p99 / reference.p99).toFixed(2).padStart(9)} ${w.asked === undefined ? '        —' : (w.asked / ((w.to - w.from) / 1000)).toFixed(1).padStart(9)}  ${w.breaker ?? '—'}`)
    if (!w.enterpriseId) return
    const after = samples.filter(x => x.sentAt >= w.faultAt! && x.sentAt < w.to)
    const slowed = after.filter(x => latency(x) > 1.5 * reference.p99)
    const first10 = within(w.faultAt!, w.from).map(latency)
    const lastSlowed = Math.max(...slowed.map(x => x.sentAt - w.faultAt!), 0)
    const extra = slowed.reduce((sum, x) => sum + latency(x) - reference.p50, 0)
    lines.push(`      transition: ${slowed.length} flows slowed past 1.5 × healthy p99, the last SENT ${(lastSlowed / 1000).toFixed(1)} s after the fault began; ` +
      `first-10-s p99 ${pct(first10, 0.99).toFixed(0)} ms; ${(extra / 1000).toFixed(0)} flow-seconds of extra wait`)
    if (w.enterpriseId === 'jd') {
      const p99Ratio = s.p99 / reference.p99
      const rateRatio = s.perSecond / reference.perSecond
      goals.push(`    goal with one hung: p99 ≤ 1.5 × healthy → ${p99Ratio.toFixed(2)} ${p99Ratio <= 1.5 ? 'met' : 'MISSED'}; ` +
        `throughput ≥ 0.9 × healthy → ${rateRatio.toFixed(2)} ${rateRatio >= 0.9 ? 'met' : 'MISSED'}`)
    }
  })
  lines.push(...goals)
  if (Object.keys(errors).length) lines.push(`    errors: ${JSON.stringify(errors)}`)
  // the last healthy window (next to the ceiling's measurement): flows/s, DynamoDB requests per flow
  // (requests in it ÷ flows SENT in it) and status polls per flow (one GetItem each), counted alike
  const last = windows.at(-1)!
  const healthy = stats(last)
  for (const [name, xs] of Object.entries(durations)) {
    const inHealthy = xs.filter(d => windows.some(w => !w.enterpriseId && d.at >= w.from && d.at < w.to)).map(d => d.ms)
    lines.push(`    ${name} duration per record, healthy windows (claim → done): p50 ${pct(inHealthy, 0.5).toFixed(0)} ms, p99 ${pct(inHealthy, 0.99).toFixed(0)} ms`)
  }
  lines.push(`    last healthy window: ${(last.requests! / healthy.n).toFixed(1)} DynamoDB requests per flow (${perFlow(last.calls!, healthy.n)}; status polls ${(last.polls! / healthy.n).toFixed(1)})`)
  lines.push(`      ${(last.requests! / ((last.to - last.from) / 1000)).toFixed(0)} DynamoDB requests/s from the API and its functions, ${last.inFlight!.toFixed(1)} in flight on average; CPU (% of one core) DynamoDB Local ${percent(last.cpu?.other)}, this process (API, functions, pollers, clients) ${percent(last.cpu?.own)}`)
  return { lines, healthy, requestsPerFlow: last.requests! / healthy.n, pollsPerFlow: last.polls! / healthy.n }
}
