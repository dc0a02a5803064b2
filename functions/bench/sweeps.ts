// `npm run bench -w @yzt/functions` (last part), or alone: `tsx bench/sweeps.ts [finished rows]`.
// (g) the sweeps with many finished rows in their tables ÷ the same sweeps with none (goal ≤ 1.2).
// Each round writes the same open set (stuck queries and SMS, pending notices, due cases) and times
// the three sweeps' reads and the stuck sweep's writes: the stuck sweep whole, the notice sweep's and
// the case sweep's reads of what is due (their deliveries are HTTP calls to enterprises, the same
// with or without history). Then the finished rows are written (BatchWrite, shared evenly by Queries,
// SmsOutbox, NumberNotices and Cases; default 1,000,000 in all, or YZT_SWEEP_ROWS / the first
// argument) and the rounds run again. The old Scan of Queries is timed beside, for scale.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { dueAttributes } from '../src/adapters/dynamo/due-index'
import { noticeItem } from '../src/adapters/dynamo/lifecycle-store'
import { outboxItem } from '../src/adapters/dynamo/outbox-store'
import { POLICY } from '../src/domain/policy'
import { sweepStuck } from '../src/domain/sweep'
import { logger } from '../src/lib/logger'
import { startDynamoLocal } from '../src/local/dynamo-local'
import { startSystem, type System } from '../src/local/system'
import { median } from './support'
import { readCounter, writeFinishedRows, type FinishedTable } from './finished-rows'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
logger.setLogLevel('ERROR')

const ROWS = Number(process.argv[2] ?? process.env.YZT_SWEEP_ROWS ?? 1_000_000)
/** open items of each kind per round: what a sweep finds after a bad few minutes */
const OPEN = 100
const ROUNDS = 11
const BOUND = POLICY.stuck.afterMinutes * 60_000

const progress = (line: string) => process.stderr.write(`  [sweeps] ${line}\n`)
const now = Date.parse('2026-12-01T04:00:00Z')
const clock = { now: () => now }

async function putAll (sys: System, table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map(Item => ({ PutRequest: { Item } }))
    while (requests.length) {
      const out = await sys.runtime.doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }))
      requests = (out.UnprocessedItems?.[table] as typeof requests | undefined) ?? []
    }
  }
}

/** the open set of one round, stuck or due since 2 bounds ago (keys fresh each round) */
async function writeOpen (sys: System, tables: Record<FinishedTable, string>, round: string): Promise<void> {
  const at = now - 2 * BOUND
  const ids = Array.from({ length: OPEN }, (_, i) => `${round}-${i}`)
  await Promise.all([
    putAll(sys, tables.Queries, ids.map(id => ({
      pk: `q-${id}`, phoneHash: `h-${id}`, maskedPhone: '138****0000', recipient: '13800000000', status: 'ACCEPTED', acceptedAt: at,
      expiresAt: Math.floor(now / 1000) + 86400, ...dueAttributes(`q-${id}`, at)
    }))),
    putAll(sys, tables.SmsOutbox, ids.map(id => outboxItem({ id: `m-${id}`, template: 'code', params: { code: '000000' }, to: '13800000000' }, at))),
    putAll(sys, tables.NumberNotices, ids.map(id => noticeItem({ noticeId: `n-${id}`, enterpriseId: 'jd', phone: '13800000000', event: 'RELEASED', effectiveAt: at, deadline: now }, at))),
    putAll(sys, tables.Cases, ids.map(id => ({ pk: `c-${id}`, expiresAt: Math.floor(now / 1000) + 86400, ...dueAttributes(`c-${id}`, at) })))
  ])
}

interface Round { ms: number, items: number, requests: number }

async function sweepRound (sys: System, tables: Record<FinishedTable, string>, round: string, reads: ReturnType<typeof readCounter>): Promise<Round> {
  await writeOpen(sys, tables, round)
  reads.reset()
  const t = performance.now()
  const stuck = await sweepStuck(sys.runtime)
  const notices = await sys.runtime.lifecycle.pendingNotices()
  const cases = await sys.runtime.cases.due(now, 1000)
  const ms = performance.now() - t
  if (stuck.queries !== OPEN || stuck.messages !== OPEN || cases.length !== OPEN || notices.length < OPEN) {
    throw new Error(`round ${round}: found ${JSON.stringify({ stuck, notices: notices.length, cases: cases.length })}, expected ${OPEN} each`)
  }
  const out = { ms, items: reads.items, requests: reads.requests }
  // the next round's open set only: the notices and cases left due are settled by hand
  await putAll(sys, tables.NumberNotices, notices.map(n => noticeItem({ noticeId: n.noticeId, enterpriseId: n.enterpriseId, phone: '', event: 'RELEASED', effectiveAt: now, deadline: now }, now))
    .map(({ dueShard: _s, dueAt: _a, phone: _p, ...item }) => ({ ...item, status: 'CONFIRMED' })))
  await putAll(sys, tables.Cases, cases.map(pk => ({ pk, expiresAt: Math.floor(now / 1000) + 86400 })))
  return out
}

/** rounds on both table sets in turn, so the machine's load falls on both alike */
async function rounds (sets: { label: string, sys: System, tables: Record<FinishedTable, string> }[]): Promise<Round[]> {
  const reads = sets.map(set => readCounter(set.sys.runtime.doc))
  const all: Round[][] = sets.map(() => [])
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, set] of sets.entries()) {
      all[i]!.push(await sweepRound(set.sys, set.tables, `${set.label}${r}`, reads[i]!))
      progress(`round ${set.label}${r}: ${all[i]!.at(-1)!.ms.toFixed(0)} ms, ${all[i]!.at(-1)!.items} items read`)
    }
  }
  // the first round warms the JVM and the client up
  return all.map(rs => rs.slice(1)).map(kept => ({ ms: median(kept.map(x => x.ms)), items: median(kept.map(x => x.items)), requests: median(kept.map(x => x.requests)) }))
}

async function main (): Promise<void> {
  // in memory unless YZT_SWEEP_DISK is set: on disk every write waits for SQLite's sync (~50 ms here)
  const dataDir = process.env.YZT_SWEEP_DISK ? fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-sweeps-')) : undefined
  // a loaded machine starts the JVM slowly
  const dynamo = await startDynamoLocal({ dataDir, timeoutMs: 180_000 })
  progress(`DynamoDB Local ${dataDir ? `on ${dataDir}` : 'in memory'}`)
  // two table sets in one DynamoDB Local: one keeps only what each round opens, the other also the history.
  // Without streams (YZT_SWEEP_STREAMS=1 keeps them): DynamoDB Local would make every write of a round
  // walk the stream records the history left (local/tables.ts), a cost of the emulator, not of the sweep
  const start = (prefix: string) => startSystem({ dynamoEndpoint: dynamo.endpoint, tablePrefix: prefix, streams: false, tableStreams: process.env.YZT_SWEEP_STREAMS !== undefined, clock, scheduleEveryMs: 24 * 3600_000 })
  const systems: System[] = []
  try {
    const sets = ['e_', 'f_'].map(prefix => ({ prefix, tables: Object.fromEntries((['Queries', 'SmsOutbox', 'NumberNotices', 'Cases'] as FinishedTable[]).map(t => [t, `${prefix}${t}`])) as Record<FinishedTable, string> }))
    for (const set of sets) systems.push(await start(set.prefix))
    const [empty, full] = [{ label: 'none', sys: systems[0]!, tables: sets[0]!.tables }, { label: 'finished', sys: systems[1]!, tables: sets[1]!.tables }]

    // one round on each set first: DynamoDB Local finds a stream shard's first record by walking every
    // stream record before it, so a table first written after the history would be slowed by it (§3)
    for (const set of [empty, full]) await sweepRound(set.sys, set.tables, `${set.label}-warm`, readCounter(set.sys.runtime.doc))

    const perTable = Math.ceil(ROWS / 4)
    progress(`writing ${perTable} finished rows into each table`)
    const t = performance.now()
    await writeFinishedRows(full.sys.runtime.doc, full.tables, perTable, now, { lanes: 16 })
    const writeS = (performance.now() - t) / 1000

    const [none, finished] = await rounds([empty, full])
    const t2 = performance.now()
    let scanned = 0
    let from: Record<string, unknown> | undefined
    do {
      const page = await full.sys.runtime.doc.send(new ScanCommand({
        TableName: full.tables.Queries, ProjectionExpression: 'pk', FilterExpression: 'attribute_exists(recipient) AND acceptedAt < :b',
        ExpressionAttributeValues: { ':b': now - BOUND }, ExclusiveStartKey: from
      }))
      scanned += page.ScannedCount ?? 0
      from = page.LastEvaluatedKey
    } while (from)
    const scanMs = performance.now() - t2

    console.log(`\n(g) sweeps with ${(perTable * 4).toLocaleString('en-US')} finished rows (${perTable.toLocaleString('en-US')} in each of Queries, SmsOutbox, NumberNotices, Cases; written in ${writeS.toFixed(0)} s) ÷ with none`)
    console.log(`    open per round: ${OPEN} stuck queries, ${OPEN} stuck SMS, ${OPEN} pending notices, ${OPEN} due cases; median of ${ROUNDS - 1} rounds each, the two table sets in turn`)
    console.log(`    none:     ${none!.ms.toFixed(0)} ms, ${none!.items} items read, ${none!.requests} requests`)
    console.log(`    finished: ${finished!.ms.toFixed(0)} ms, ${finished!.items} items read, ${finished!.requests} requests`)
    console.log(`    ratio ${(finished!.ms / none!.ms).toFixed(2)} (goal ≤ 1.2); items read ${finished!.items === none!.items ? 'equal' : 'DIFFER'}`)
    console.log(`    for scale, the old Scan of Queries alone: ${scanned.toLocaleString('en-US')} items read in ${(scanMs / 1000).toFixed(1)} s`)
  } finally {
    for (const sys of systems) await sys.stop()
    await dynamo.stop()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch(err => { console.error(err); process.exit(1) })
