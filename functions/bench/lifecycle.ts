// `npm run bench -w @yzt/functions` (second part): the number-lifecycle interfaces through the local API.
// (d) platform number-checks of 1,000 numbers (half with history): p50/p99 and DynamoDB requests per call
// (e) release notices to 8 enterprises answering at 100…800 ms: time until all hold it ÷ slowest enterprise
import { catalogue } from '../src/catalogue/index'
import { DEV_SECRETS } from '../src/adapters/secrets'
import { LIFECYCLE_PATHS } from '../src/contract/lifecycle'
import { startDynamoLocal } from '../src/local/dynamo-local'
import { startSystem, type System } from '../src/local/system'
import { logger } from '../src/lib/logger'
import { carrierKey, enterpriseKey, signedRequestHeaders } from '../src/lib/signing'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
logger.setLogLevel('ERROR')

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]! }
const master = DEV_SECRETS.enterpriseKey

async function signedPost (sys: System, caller: string, key: string, path: string, body: unknown) {
  const text = JSON.stringify(body)
  const res = await fetch(sys.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedRequestHeaders(caller, key, 'POST', path, text, Date.now()) },
    body: text
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json() as Promise<any>
}

async function numberChecks (sys: System) {
  const numbers = Array.from({ length: 1000 }, (_, i) => `1390${String(i).padStart(7, '0')}`)
  // half the numbers have a history (500 events, one batch each of 250)
  for (let i = 0; i < 500; i += 250) {
    await signedPost(sys, 'cmcc', carrierKey(master, 'cmcc'), LIFECYCLE_PATHS.numberEvents, {
      events: numbers.slice(i, i + 250).map((phone, j) => ({ eventId: `bench-${i + j}`, phone, type: 'ACTIVE', effectiveAt: '2026-01-01' }))
    })
  }
  const times: number[] = []
  const ids = catalogue.enterprises.map(e => e.id)
  let calls = 0
  let batchGets = 0
  for (let run = 0; run < 40; run++) {
    // spread over the enterprises so no bucket runs dry; each call is one enterprise's
    const id = ids[run % ids.length]!
    const before = { ...sys.ddbCalls }
    const t = performance.now()
    await signedPost(sys, id, enterpriseKey(master, id), LIFECYCLE_PATHS.numberChecks, { since: '2026-06-01', numbers })
    times.push(performance.now() - t)
    calls += Object.entries(sys.ddbCalls).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0)
    batchGets += (sys.ddbCalls.BatchGetItemCommand ?? 0) - (before.BatchGetItemCommand ?? 0)
  }
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), requests: calls / times.length, batchGets: batchGets / times.length }
}

async function notices (sys: System) {
  const latencies = [100, 200, 300, 400, 500, 600, 700, 800]
  catalogue.enterprises.forEach((e, i) => sys.mock.setFaults(e.id, { latencyMs: latencies[i]!, noticeOutcome: 'never' }))
  const ratios: number[] = []
  for (let run = 0; run < 5; run++) {
    const phone = `1380${String(run).padStart(7, '0')}`
    const t = performance.now()
    await signedPost(sys, 'cmcc', carrierKey(master, 'cmcc'), LIFECYCLE_PATHS.numberEvents, {
      events: [{ eventId: `bench-cancel-${run}`, phone, type: 'CANCELLED', effectiveAt: new Date().toISOString() }]
    })
    const delivered = () => Object.values(sys.mock.notices).filter(seen => Object.keys(seen).length > run).length
    while (delivered() < 8) await new Promise(resolve => setTimeout(resolve, 5))
    ratios.push((performance.now() - t) / Math.max(...latencies))
  }
  sys.mock.clearFaults()
  return { ratios }
}

async function main () {
  const dynamo = await startDynamoLocal()
  const sys = await startSystem({ dynamoEndpoint: dynamo.endpoint, pollIdleMs: 20 })
  try {
    const d = await numberChecks(sys)
    console.log('\n(d) POST /v1/platform/number-checks, 1,000 numbers (500 with history), 40 calls')
    console.log(`    p50 ${d.p50.toFixed(0)} ms, p99 ${d.p99.toFixed(0)} ms; DynamoDB requests per call ${d.requests.toFixed(1)} (BatchGetItem ${d.batchGets.toFixed(1)}; minimum 10 + signature, rate bucket 2, audit 1)`)
    const e = await notices(sys)
    console.log('\n(e) a release notice to 8 enterprises at 100…800 ms: time until every enterprise holds it ÷ slowest')
    console.log(`    ratios ${e.ratios.map(r => r.toFixed(2)).join(', ')} (goal ≤ 1.1; includes the stream poller's pickup)`)
  } finally {
    await sys.stop()
    await dynamo.stop()
  }
}

main().catch(err => { console.error(err); process.exit(1) })
