// npm run load [-- --users N --seconds T]: N simulated people (default 50) go through the whole flow
// for T seconds (default 60) against a local runtime started here, in this process: code → read the
// code from the local SMS provider → query → poll GET until SENT. Then it reconciles what the API
// answered with what the SMS provider delivered and what the tables hold, prints throughput (also per
// minute, to see whether the runtime keeps its pace) and p50/p99 per step, and exits non-zero if
// anything does not add up. `runLoad` is the same run as a function (a short one is part of npm test).
//
// Source addresses: the API takes the client address from the socket and caps code requests at 30 an
// hour per source network (an IPv4 /24). Every flow is another person, so every flow connects from a
// /24 of its own (127.a.b.1, bound with http.Agent localAddress), as real people on their own networks
// would; a load that reused networks would measure that cap and nothing else. The policy stays exactly
// the production one. This needs the whole 127.0.0.0/8 on loopback (Linux); on macOS add aliases
// first (sudo ifconfig lo0 alias 127.1.0.1 …).
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import { parseArgs } from 'node:util'
import type { SystemOptions } from '../src/local/system'

interface Reply { status: number, body: any, ms: number }
type Step = 'code' | 'codeSms' | 'query' | 'poll' | 'sent' | 'flow'

export interface LoadOptions {
  users: number
  seconds: number
  /** where the local runtime keeps its tables (tests: the shared DynamoDB Local, a prefix of their own) */
  system?: Pick<SystemOptions, 'dynamoEndpoint' | 'tablePrefix'>
  log?: (line: string) => void
  /** where a sent result ends in the tables: DELIVERED (the local carrier reports at once); SENT for
   *  runtimes from before delivery receipts (pace-compare.sh runs this tool against 7ad85b3) */
  finalStatus?: 'SENT' | 'DELIVERED'
}

export interface LoadResult {
  flows: number
  elapsedSeconds: number
  /** flows completed in each whole minute of the run, per second */
  perMinute: number[]
  statuses: Record<string, number>
  checks: { name: string, ok: boolean, detail: string }[]
  reconciled: boolean
}

/** the n-th flow's source: a /24 of its own in 127.1.0.0–127.255.255.0 (65,280 networks, then again) */
export function sourceAddressOf (flow: number): string {
  const net = flow % (255 * 256)
  return `127.${1 + Math.floor(net / 256)}.${net % 256}.1`
}

export async function runLoad ({ users: USERS, seconds: SECONDS, system, log = console.log, finalStatus = 'DELIVERED' }: LoadOptions): Promise<LoadResult> {
  if (!(USERS > 0 && SECONDS > 0)) throw new Error('--users and --seconds must be positive numbers')
  // INFO logs one line per SMS: at load that is noise, and the terminal would become the bottleneck
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN'
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  await assertLoopbackRange()
  const { startSystem } = await import('../src/local/system')
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb')
  const { TABLES } = await import('../src/infra-shared/tables')

  // one person per flow: a number can ask for a code once a minute and query three times a day, so
  // each user walks through its own list of subscribers (sized for 1.5 flows a second per user,
  // several times what one machine sustains; a user that runs out stops, and the report says so)
  const perUser = Math.ceil(SECONDS * 1.5) + 10
  const phoneOf = (user: number, i: number) => `13${String(user).padStart(4, '0')}${String(i).padStart(5, '0')}`.slice(0, 11)
  const unknownPhoneOf = (user: number, i: number) => `15${String(user).padStart(4, '0')}${String(i).padStart(5, '0')}`.slice(0, 11)
  const idSuffixOf = (phone: string) => `${phone.slice(-5)}X`

  const started = Date.now()
  const sys = await startSystem({ seed: { subscribers: [] }, ...system })
  try {
    // seeding the subscriber table in parallel: startSystem's seed loader goes one by one
    const seedPhones = Array.from({ length: USERS }, (_, u) => Array.from({ length: perUser }, (_, i) => phoneOf(u, i))).flat()
    await pool(seedPhones, 32, phone => sys.runtime.subscribers.put({
      phoneHash: sys.runtime.hasher.phone(phone), idSuffixHash: sys.runtime.hasher.idSuffix(phone, idSuffixOf(phone)), status: 'active'
    }))
    log(`local runtime on ${sys.url}, ${seedPhones.length} subscribers seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`)

    // the SMS provider: who got what, and a way to wait for a code
    const delivered = new Map<string, { code: number, result: number, codes: string[] }>()
    const waiting = new Map<string, (code: string) => void>()
    sys.sms.onDeliver = sms => {
      const d = delivered.get(sms.to) ?? { code: 0, result: 0, codes: [] }
      delivered.set(sms.to, d)
      const code = sms.text.match(/验证码为(\d{6})/)?.[1]
      if (code) { d.code++; d.codes.push(code); waiting.get(sms.to)?.(code) } else if (sms.text.includes('截至')) d.result++
    }

    const timings: Record<Step, number[]> = { code: [], codeSms: [], query: [], poll: [], sent: [], flow: [] }
    const statuses: Record<string, number> = {}
    const errors: string[] = []
    const codeAccepted = new Map<string, number>() // phone → 202 answers to a code request
    const queries: { phone: string, queryId: string }[] = []
    let refusedResends = 0
    let flows = 0
    const finishedAt: number[] = []
    let nextSource = 0

    const deadline = Date.now() + SECONDS * 1000
    const runUser = async (user: number) => {
      for (let i = 0; Date.now() < deadline && i < perUser; i++) {
        // another person, on another network: a fresh /24 and its own connection
        const agent = new http.Agent({ keepAlive: true, localAddress: sourceAddressOf(nextSource++) } as http.AgentOptions)
        const request = (method: string, path: string, body?: unknown) => send(sys.url, agent, method, path, body).then(r => {
          statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1
          return r
        })
        const t0 = Date.now()
        try {
          // one flow in twenty asks for a number that is not a subscriber: same 202, no SMS
          if (i % 20 === 7) {
            const phone = unknownPhoneOf(user, i)
            const r = await request('POST', '/v1/verification-codes', { phone })
            timings.code.push(r.ms)
            if (r.status === 202) codeAccepted.set(phone, (codeAccepted.get(phone) ?? 0) + 1)
            else errors.push(`unknown number: code request ${r.status}`)
            continue
          }
          const phone = phoneOf(user, i)
          const gotCode = new Promise<string>((resolve, reject) => {
            waiting.set(phone, resolve)
            setTimeout(() => reject(new Error('code SMS not delivered within 30 s')), 30_000).unref()
          })
          const asked = await request('POST', '/v1/verification-codes', { phone })
          timings.code.push(asked.ms)
          if (asked.status !== 202) { errors.push(`code request ${asked.status} ${JSON.stringify(asked.body)}`); continue }
          codeAccepted.set(phone, (codeAccepted.get(phone) ?? 0) + 1)
          // one flow in ten presses "resend" at once: refused (cooldown), and no second SMS may follow
          if (i % 10 === 3) {
            const again = await request('POST', '/v1/verification-codes', { phone })
            if (again.status === 429) refusedResends++
            else if (again.status === 202) codeAccepted.set(phone, (codeAccepted.get(phone) ?? 0) + 1)
            else errors.push(`resend ${again.status}`)
          }
          const code = await gotCode
          timings.codeSms.push(Date.now() - t0 - asked.ms)
          const submitted = await request('POST', '/v1/queries', { phone, idSuffix: idSuffixOf(phone), code, consent: true })
          timings.query.push(submitted.ms)
          if (submitted.status !== 202) { errors.push(`query ${submitted.status} ${JSON.stringify(submitted.body)}`); continue }
          const { queryId } = submitted.body
          queries.push({ phone, queryId })
          const accepted = Date.now()
          for (;;) {
            const s = await request('GET', `/v1/queries/${queryId}`)
            timings.poll.push(s.ms)
            if (s.status === 200 && (s.body.status === 'SENT' || s.body.status === 'DELIVERED')) break
            if (s.status !== 200 || s.body.status === 'FAILED') { errors.push(`poll ${s.status} ${s.body?.status ?? ''}`); break }
            if (Date.now() - accepted > 60_000) { errors.push('not SENT or DELIVERED within 60 s'); break }
            await sleep(100)
          }
          timings.sent.push(Date.now() - accepted)
          timings.flow.push(Date.now() - t0)
          flows++
          finishedAt.push(Date.now())
        } catch (err) {
          errors.push((err as Error).message)
        } finally {
          waiting.delete(phoneOf(user, i))
          agent.destroy()
        }
      }
    }
    const loadStarted = Date.now()
    // the emulator's CPU per minute: what the pace depends on, and less noisy than times on a shared machine
    const jvmCpu: number[] = [cpuSecondsOf(sys.dynamoPid)]
    const minutes = setInterval(() => jvmCpu.push(cpuSecondsOf(sys.dynamoPid)), 60_000)
    const progress = setInterval(() => log(`  ${Math.round((Date.now() - loadStarted) / 1000)} s: ${flows} flows done, ${errors.length} errors`), 10_000)
    await Promise.all(Array.from({ length: USERS }, (_, u) => runUser(u)))
    clearInterval(progress)
    clearInterval(minutes)
    const elapsed = (Date.now() - loadStarted) / 1000
    if (Date.now() < deadline - 1000) log(`  note: users ran out of seeded numbers ${Math.round((deadline - Date.now()) / 1000)} s early`)

    // let the stream handlers finish whatever is still in flight, then read the tables
    const scan = async (name: string) => {
      const items: Record<string, unknown>[] = []
      let ExclusiveStartKey: Record<string, unknown> | undefined
      do {
        const page = await sys.runtime.doc.send(new ScanCommand({ TableName: name, ExclusiveStartKey, ConsistentRead: true }))
        items.push(...(page.Items ?? []))
        ExclusiveStartKey = page.LastEvaluatedKey
      } while (ExclusiveStartKey)
      return items
    }
    let outbox: Record<string, unknown>[] = []
    let stored: Record<string, unknown>[] = []
    for (let i = 0; i < 60; i++) {
      outbox = await scan(`${system?.tablePrefix ?? ''}${TABLES.outbox.name}`)
      stored = await scan(`${system?.tablePrefix ?? ''}${TABLES.queries.name}`)
      if (outbox.every(m => m.status === finalStatus || m.status === 'FAILED') && stored.every(q => q.status === finalStatus || q.status === 'FAILED')) break
      await sleep(500)
    }

    // ---- reconciliation ----
    const checks: [string, boolean, string][] = []
    const fiveXX = Object.entries(statuses).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0)
    checks.push(['zero 5xx answers', fiveXX === 0, `${fiveXX} answers were 5xx`])
    const refused = statuses['429'] ?? 0
    checks.push(['no 429 but the early resends', refused === refusedResends, `${refused - refusedResends} other requests were refused (429)`])
    checks.push(['no failed flow', errors.length === 0, `${errors.length} errors, first: ${errors.slice(0, 3).join(' | ')}`])
    const badResult = queries.filter(q => delivered.get(q.phone)?.result !== 1)
    checks.push(['every accepted query got exactly one result SMS', badResult.length === 0, `${badResult.length} of ${queries.length} did not`])
    const storedById = new Map(stored.map(q => [q.pk as string, q]))
    // the local carrier reports delivery at once: a sent message ends DELIVERED
    const notSent = queries.filter(q => storedById.get(q.queryId)?.status !== finalStatus)
    checks.push([`every accepted query is ${finalStatus} in the table`, notSent.length === 0, `${notSent.length} are not`])
    checks.push(['no query the API did not accept', stored.length === queries.length, `${stored.length} stored for ${queries.length} accepted`])
    const seeded = new Set(seedPhones)
    const badCode = [...codeAccepted].filter(([phone, n]) => (delivered.get(phone)?.code ?? 0) !== (seeded.has(phone) ? n : 0))
    checks.push(['every code request within limits got exactly one code SMS (and unknown numbers none)', badCode.length === 0, `${badCode.length} numbers disagree`])
    const stray = [...delivered.keys()].filter(phone => !codeAccepted.has(phone))
    checks.push(['no SMS to a number nobody asked for', stray.length === 0, `${stray.length} numbers`])
    const unsettled = outbox.filter(m => m.status !== finalStatus)
    checks.push([`the outbox is drained: every message ${finalStatus}`, unsettled.length === 0, `${unsettled.length} not ${finalStatus}`])
    checks.push(['no dead letters', sys.deadLetters.length === 0, `${sys.deadLetters.length}`])

    const perMinute = Array.from({ length: Math.max(1, Math.floor(elapsed / 60)) }, (_, m) =>
      finishedAt.filter(t => t >= loadStarted + m * 60_000 && t < loadStarted + (m + 1) * 60_000).length / 60)
    const requests = Object.values(statuses).reduce((a, b) => a + b, 0)
    const codeSmsSent = [...delivered.values()].reduce((n, d) => n + d.code, 0)
    const resultSmsSent = [...delivered.values()].reduce((n, d) => n + d.result, 0)
    log(`\nload: ${USERS} users for ${SECONDS} s (ran ${elapsed.toFixed(1)} s)`)
    log(`  flows completed  ${flows} (${(flows / elapsed).toFixed(1)}/s), HTTP requests ${requests} (${(requests / elapsed).toFixed(0)}/s)`)
    log(`  answers          ${Object.entries(statuses).sort().map(([s, n]) => `${s}×${n}`).join('  ')}`)
    log(`  SMS              ${codeSmsSent} code, ${resultSmsSent} result; ${refusedResends} early resends refused (429); ${[...codeAccepted.keys()].filter(p => !seeded.has(p)).length} unknown numbers answered 202 without SMS`)
    const streamReads = Object.values(sys.streamCalls ?? {}).reduce((a, b) => a + b, 0)
    if (sys.streamCalls) log(`  stream requests  ${streamReads} (${(streamReads / Math.max(flows, 1)).toFixed(1)} a flow): ${Object.entries(sys.streamCalls).map(([c, n]) => `${c.replace('Command', '')} ${n}`).join(', ')}`)
    if (elapsed >= 60) log(`  flows/s per minute  ${perMinute.map((r, m) => `m${m + 1} ${r.toFixed(1)}`).join('  ')}`)
    if (elapsed >= 60 && sys.dynamoPid) {
      log(`  DynamoDB Local CPU ms a flow, per minute  ${perMinute.map((r, m) => `m${m + 1} ${jvmCpu[m + 1] === undefined || !r ? '-' : ((jvmCpu[m + 1]! - jvmCpu[m]!) * 1000 / (r * 60)).toFixed(0)}`).join('  ')}`)
    }
    log('  step                          n      p50      p99      max (ms)')
    const names: Record<Step, string> = {
      code: 'POST /v1/verification-codes', codeSms: 'code SMS arrives', query: 'POST /v1/queries',
      poll: 'GET /v1/queries/{id}', sent: 'accepted → SENT|DELIVERED (polled)', flow: 'whole flow'
    }
    for (const step of Object.keys(names) as Step[]) {
      const xs = timings[step].slice().sort((a, b) => a - b)
      log(`  ${names[step].padEnd(28)} ${String(xs.length).padStart(5)} ${[pct(xs, 50), pct(xs, 99), xs.at(-1) ?? 0].map(v => String(v).padStart(8)).join(' ')}`)
    }
    log('\nreconciliation:')
    for (const [name, ok, detail] of checks) log(`  ${ok ? '✔' : '✘'} ${name}${ok ? '' : ` — ${detail}`}`)
    const failed = checks.filter(c => !c[1]).length
    log(failed ? `\nload: ${failed} reconciliation check(s) failed` : '\nload: reconciled')
    return {
      flows, elapsedSeconds: elapsed, perMinute, statuses,
      checks: checks.map(([name, ok, detail]) => ({ name, ok, detail })), reconciled: failed === 0
    }
  } finally {
    await sys.stop()
  }
}

function send (base: string, agent: http.Agent, method: string, path: string, body?: unknown): Promise<Reply> {
  const url = new URL(path, base)
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const t0 = Date.now()
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method, agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}
    }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        let parsed: unknown
        try { parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { parsed = undefined }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms: Date.now() - t0 })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

async function pool<T> (items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await run(items[next++]!) }))
}

function pct (sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100) - 1)]! : 0
}

/** user + system CPU seconds of a process so far (Linux /proc; 0 elsewhere) */
function cpuSecondsOf (pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch { return 0 }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function assertLoopbackRange (): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer().once('error', () => reject(new Error(
      'load: cannot bind 127.1.0.1. Each simulated user needs its own loopback address (Linux has all of 127.0.0.0/8; ' +
      'on macOS: sudo ifconfig lo0 alias 127.1.0.1 …)')))
    probe.listen(0, '127.1.0.1', () => probe.close(() => resolve()))
  })
}

async function main (): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      users: { type: 'string', default: process.env.LOAD_USERS ?? '50' },
      seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '60' },
      final: { type: 'string', default: 'DELIVERED' }
    }
  })
  if (args.final !== 'SENT' && args.final !== 'DELIVERED') throw new Error('--final must be SENT or DELIVERED')
  const result = await runLoad({ users: Number(args.users), seconds: Number(args.seconds), finalStatus: args.final })
  if (!result.reconciled) process.exitCode = 1
}

if (require.main === module) main().catch(err => { console.error(err instanceof Error ? err.message : err); process.exit(1) })
