// `npm run bench -w @yzt/functions` (fourth part): binding alerts.
// (g) one enterprise reports 100,000 new bindings in a minute (100 signed batches of 1,000, one every
//     600 ms), 1 % of them for subscribed numbers: the ratio of stored events to subscribed events
//     (goal exactly 1: the other 99 % are dropped on arrival), and the DynamoDB requests per alert —
//     the ingest's share (the BatchGet per 100 numbers, the event's Put) plus the alert step (one
//     BatchGet, one transaction), design ≤ 4 — beside the signed route's own bookkeeping per batch.
// The stream pollers are off so each phase's requests are counted alone: the alert step is invoked
// with the INSERT records Lambda would deliver, and the alerts are counted as queued SMS (the outbox).
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { ALERT_PATHS } from '../src/contract/alerts'
import { DEV_SECRETS } from '../src/adapters/secrets'
import { makeDocClient, tableNames } from '../src/adapters/dynamo/client'
import { makeHandler as sendBindingAlerts } from '../src/handlers/send-binding-alerts'
import { enterpriseKey, signedRequestHeaders } from '../src/lib/signing'
import { LOCAL_CREDENTIALS, startDynamoLocal } from '../src/local/dynamo-local'
import { startSystem } from '../src/local/system'
import { logger } from '../src/lib/logger'
import { pct } from './support'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
logger.setLogLevel('ERROR')

const EVENTS = 100_000
const BATCH = 1000
const EVERY_MS = 60_000 / (EVENTS / BATCH)
const SUBSCRIBED_EVERY = 100
const ENTERPRISE = 'alibaba'

const phoneOf = (i: number) => `150${String(i).padStart(8, '0')}`
const total = (now: Record<string, number>, before: Record<string, number>) =>
  Object.entries(now).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0)
/** requests of commands whose name contains `part` (the SDK names them BatchGetItemCommand, …) */
const named = (now: Record<string, number>, before: Record<string, number>, part: string) =>
  Object.entries(now).filter(([k]) => k.includes(part)).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0)
const diff = (now: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v))

async function main () {
  // a shared, busy machine can take longer than the default to start the JVM
  const dynamo = await startDynamoLocal({ timeoutMs: 120_000 })
  const sys = await startSystem({ dynamoEndpoint: dynamo.endpoint, streams: false })
  // the bench's own reads and seeding go through a client of their own: not the system's requests
  const own = makeDocClient({ endpoint: dynamo.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS })
  const tables = tableNames({})
  try {
    const now = Date.now()
    const subscribed = Array.from({ length: EVENTS / SUBSCRIBED_EVERY }, (_, i) => phoneOf(i * SUBSCRIBED_EVERY))
    for (let i = 0; i < subscribed.length; i += 25) {
      await own.send(new BatchWriteCommand({
        RequestItems: {
          [tables.alertSubscriptions]: subscribed.slice(i, i + 25).map(p => ({ PutRequest: { Item: { pk: `sub#${sys.runtime.hasher.phone(p)}`, since: now - 60_000, rows: [] } } }))
        }
      }))
    }

    const key = enterpriseKey(DEV_SECRETS.enterpriseKey, ENTERPRISE)
    const apps = ['taobao', 'xianyu', 'dingtalk']
    const beforeIngest = { ...sys.ddbCalls }
    const latencies: number[] = []
    const started = performance.now()
    for (let b = 0; b < EVENTS / BATCH; b++) {
      const due = started + b * EVERY_MS
      if (performance.now() < due) await new Promise(resolve => setTimeout(resolve, due - performance.now()))
      const events = Array.from({ length: BATCH }, (_, j) => {
        const i = b * BATCH + j
        return { eventId: `b${i}`, phone: phoneOf(i), appId: apps[i % 3]!, boundAt: new Date().toISOString() }
      })
      const body = JSON.stringify({ events })
      const t = performance.now()
      const res = await fetch(sys.url + ALERT_PATHS.bindingEvents, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedRequestHeaders(ENTERPRISE, key, 'POST', ALERT_PATHS.bindingEvents, body, Date.now()) },
        body
      })
      if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      latencies.push(performance.now() - t)
    }
    const ingestSeconds = (performance.now() - started) / 1000
    const afterIngest = { ...sys.ddbCalls }

    const { Items: stored = [] } = await own.send(new ScanCommand({ TableName: tables.bindingEvents, ProjectionExpression: 'pk', ConsistentRead: true }))
    const batches = EVENTS / BATCH
    const ingestRequests = total(afterIngest, beforeIngest)
    // the signed route's bookkeeping per batch (the caller's rate token, the replay mark): not per alert
    const perBatchOverhead = (ingestRequests - named(afterIngest, beforeIngest, 'BatchGet') - stored.length) / batches

    // the alert step, as the stream consumer runs it: batches of 25 INSERT records
    const handler = sendBindingAlerts(() => Promise.resolve(sys.runtime))
    const keys = stored.map(i => i.pk as string)
    for (let i = 0; i < keys.length; i += 25) {
      const Records = keys.slice(i, i + 25).map(pk => ({ eventName: 'INSERT' as const, dynamodb: { Keys: { pk: { S: pk } } } }))
      const out = await handler({ Records } as never)
      if (out.batchItemFailures.length) throw new Error(`alert step failures: ${out.batchItemFailures.length}`)
    }
    const alertRequests = total(sys.ddbCalls, afterIngest)
    const { Items: outbox = [] } = await own.send(new ScanCommand({ TableName: tables.outbox, ProjectionExpression: 'pk, template', ConsistentRead: true }))
    const alerts = outbox.filter(o => o.template === 'bindingAlert').length

    const perAlertIngest = (ingestRequests - perBatchOverhead * batches) / stored.length
    console.log(`\n(g) ${EVENTS.toLocaleString('en')} binding events from one enterprise in ${batches} signed batches of ${BATCH} (one every ${EVERY_MS} ms), ${100 / SUBSCRIBED_EVERY} % for subscribed numbers`)
    console.log(`    sent in ${ingestSeconds.toFixed(1)} s; a batch answered in p50 ${pct(latencies, 0.5).toFixed(0)} ms, p99 ${pct(latencies, 0.99).toFixed(0)} ms`)
    console.log(`    stored events ÷ subscribed events: ${stored.length} ÷ ${subscribed.length} = ${(stored.length / subscribed.length).toFixed(3)} (goal exactly 1)`)
    console.log(`    alert SMS queued: ${alerts} (one per subscribed event)`)
    console.log(`    DynamoDB requests per alert: ${(perAlertIngest + alertRequests / alerts).toFixed(2)} = ingest ${perAlertIngest.toFixed(2)} (BatchGet per 100 numbers, shared by 1 subscribed event here; the event's Put) + alert step ${(alertRequests / alerts).toFixed(2)} (BatchGet of event and state, one transaction) — design ≤ 4`)
    console.log(`    requests by command: ingest ${JSON.stringify(diff(afterIngest, beforeIngest))}, alert step ${JSON.stringify(diff(sys.ddbCalls, afterIngest))}`)
    console.log(`    plus the signed route's own ${perBatchOverhead.toFixed(1)} requests per batch (rate token, replay mark), and the SMS dispatch every SMS costs`)
  } finally {
    own.destroy()
    await sys.stop()
    await dynamo.stop()
  }
}

main().catch(err => { console.error(err); process.exit(1) })
