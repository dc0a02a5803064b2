// `npm run bench -w @yzt/functions`: (a) fan-out parallelism, (b) the full flow through the local
// API at 1, 8 and 32 concurrent clients, (c) DynamoDB requests per accepted query.
import * as http from 'node:http'
import { catalogue } from '../src/catalogue/index'
import { askEnterprises } from '../src/domain/fan-out'
import { startDynamoLocal } from '../src/local/dynamo-local'
import { startSystem, type System } from '../src/local/system'
import { logger } from '../src/lib/logger'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
logger.setLogLevel('ERROR')

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]! }

let devices = 0
/** Each simulated user on its own loopback /24 (127.x.y.1), as distinct phones are in the field,
 *  so the per-source limits (which count a /24 as one source) see many users rather than one. */
function nextDeviceAddress (): string {
  const n = ++devices
  return `127.${1 + ((n >> 8) & 0xff)}.${n & 0xff}.1`
}

function client (base: string, localAddress: string) {
  const agent = new http.Agent({ keepAlive: true, localAddress })
  return (method: string, path: string, body?: unknown) => new Promise<{ status: number, json: any }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(base + path, { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', c => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
    })
    req.on('error', reject)
    req.end(data)
  })
}

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

async function flowBench (sys: System, concurrency: number, seconds: number, phones: string[]) {
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
      let code: string | undefined
      while (!code) {
        code = sys.sms.all().find(m => m.to === phone)?.text.match(/验证码为(\d{6})/)?.[1]
        if (!code) await new Promise(r => setTimeout(r, 10))
      }
      const t1 = performance.now()
      const q = await call('POST', '/v1/queries', { phone, idSuffix: '000000', code, consent: true })
      if (q.status !== 202) { fail(`query ${q.status} ${q.json?.error?.code}`); continue }
      accepted++
      const t2 = performance.now()
      for (;;) {
        polls++
        const s = await call('GET', `/v1/queries/${q.json.queryId}`)
        if (s.json?.status === 'SENT') break
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

async function main () {
  const seconds = Number(process.env.BENCH_SECONDS ?? 15)
  const phones = Array.from({ length: 3000 }, (_, i) => `135${String(i).padStart(8, '0')}`)
  const dynamo = await startDynamoLocal()
  const sys = await startSystem({
    dynamoEndpoint: dynamo.endpoint,
    seed: { subscribers: phones.map(phone => ({ phone, idSuffix: '000000', status: 'active' })) },
    pollIdleMs: 20
  })
  try {
    const a = await fanOutBench(sys)
    console.log('\n(a) fan-out to 8 enterprises at 100…800 ms (median of 5)')
    console.log(`    took ${a.median.toFixed(0)} ms; slowest enterprise ${a.slowest} ms → ratio ${(a.median / a.slowest).toFixed(2)} (sequential would be ${(a.sum / a.slowest).toFixed(2)})`)

    console.log(`\n(b) full flow (code → query → result SMS) through the local API, ${seconds} s per level`)
    console.log('    clients  flows  flows/s   p50 ms   p99 ms   code p50  query p50  sms p50  errors')
    const perQuery: string[] = []
    for (const c of [1, 8, 32]) {
      Object.keys(sys.ddbCalls).forEach(k => { sys.ddbCalls[k] = 0 })
      const r = await flowBench(sys, c, seconds, phones)
      await new Promise(res => setTimeout(res, 500))
      console.log(`    ${String(c).padStart(7)}  ${String(r.flows).padStart(5)}  ${r.perSecond.toFixed(1).padStart(7)}  ${r.p50.toFixed(0).padStart(7)}  ${r.p99.toFixed(0).padStart(7)}  ${median(r.steps.code).toFixed(0).padStart(8)}  ${median(r.steps.query).toFixed(0).padStart(9)}  ${median(r.steps.sms).toFixed(0).padStart(7)}  ${String(r.errors).padStart(6)}`)
      if (r.errors) console.log(`             errors: ${JSON.stringify(r.errorKinds)}`)
      perQuery.push(`    ${c} clients: ${(r.calls / r.accepted).toFixed(2)} requests per accepted query (${Object.entries(sys.ddbCalls).map(([k, v]) => `${k.replace('Command', '')} ${(v / r.accepted).toFixed(2)}`).join(', ')}); of which status polls ${(r.polls / r.accepted).toFixed(2)}; without polls ${((r.calls - r.polls) / r.accepted).toFixed(2)}`)
    }
    console.log('\n(c) DynamoDB requests per accepted query (SDK middleware count)')
    for (const line of perQuery) console.log(line)
    console.log('    design minimum 21: send code 7 (subscriber get, lock log get, 4 limit log gets, limits+code+outbox transaction), code SMS 2 (claim, sent),')
    console.log('    submit 8 (2 gate log gets, code try, verdict log get + write, subscriber get, quota log get, code+quota+query transaction),')
    console.log('    process 2 (claim, results+outbox transaction), result SMS 2 (claim, sent); sliding limits read their logs before they write them')
  } finally {
    await sys.stop()
    await dynamo.stop()
  }
}

main().catch(err => { console.error(err); process.exit(1) })
