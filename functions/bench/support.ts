// What the bench sections share: percentiles, one HTTP client per simulated device, and seeding.
import * as fs from 'node:fs'
import * as http from 'node:http'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBStreamEvent } from 'aws-lambda'
import type { Doc } from '../src/adapters/dynamo/client'
import { TABLES } from '../src/infra-shared/tables'
import { bindHandlers } from '../src/local/handlers'
import type { System } from '../src/local/system'

export const median = (xs: number[]) => pct(xs, 0.5)
export const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!
}

let devices = 0
/** Each simulated user on its own loopback address (127.x.y.z), as distinct phones are in the field,
 *  so the per-IP code cap sees many users rather than one. */
export function nextDeviceAddress (): string {
  const n = ++devices
  // one loopback /24 per user: the per-source limits count a /24 as one source
  return `127.${1 + ((n >> 8) & 0xff)}.${n & 0xff}.1`
}

export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number, json: any }>

export function client (base: string, localAddress: string): Call {
  const agent = new http.Agent({ keepAlive: true, localAddress })
  return (method, path, body) => new Promise((resolve, reject) => {
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

/** subscribers written 32 at a time (startSystem's seed writes one by one) */
export async function seedSubscribers (sys: Pick<System, 'runtime'>, phones: string[]): Promise<void> {
  const rt = sys.runtime
  const queue = [...phones]
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let phone = queue.pop(); phone; phone = queue.pop()) {
      await rt.subscribers.put({ phoneHash: rt.hasher.phone(phone), idSuffixHash: rt.hasher.idSuffix(phone, '000000'), status: 'active' })
    }
  }))
}

/** The code SMS of a number, as soon as it is delivered (no scan of every SMS so far). */
export function codeWaiter (sys: Pick<System, 'sms'>) {
  const waiting = new Map<string, (code: string) => void>()
  const arrived = new Map<string, string>()
  const previous = sys.sms.onDeliver
  sys.sms.onDeliver = m => {
    previous(m)
    const code = m.text.match(/验证码为(\d{6})/)?.[1]
    if (!code) return
    const w = waiting.get(m.to)
    if (w) { waiting.delete(m.to); w(code) } else arrived.set(m.to, code)
  }
  return (phone: string) => new Promise<string>(resolve => {
    const code = arrived.get(phone)
    if (code) { arrived.delete(phone); resolve(code) } else waiting.set(phone, resolve)
  })
}

/** CPU seconds used so far by a process (DynamoDB Local's JVM), from Linux's /proc; undefined elsewhere */
export function cpuSeconds (pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // utime + stime, in clock ticks of 1/100 s on Linux
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

/** CPU use of a process and of this one between start and stop, in % of one core */
export function cpuMeter (pid: number | undefined) {
  const t0 = performance.now()
  const other0 = cpuSeconds(pid)
  const own0 = process.cpuUsage()
  return () => {
    const seconds = (performance.now() - t0) / 1000
    const other = cpuSeconds(pid)
    const own = process.cpuUsage(own0)
    return {
      other: other === undefined || other0 === undefined ? undefined : 100 * (other - other0) / seconds,
      own: 100 * (own.user + own.system) / 1e6 / seconds
    }
  }
}

export const percent = (x: number | undefined) => x === undefined ? '?' : `${x.toFixed(0)} %`

/** DynamoDB requests per flow by command, e.g. "GetItem 13.2, TransactWriteItems 8.0" */
export function perFlow (calls: Record<string, number>, flows: number): string {
  return Object.entries(calls).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name.replace(/Command$/, '')} ${(n / flows).toFixed(1)}`).join(', ')
}

/** what `after` counted since `before`, by name */
export const countsSince = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - (before[name] ?? 0)]))

/**
 * Milliseconds spent in DynamoDB requests so far, summed over the requests of this client. Its growth
 * over a window ÷ the window's length is the mean number of requests in flight (Little's law): how
 * hard the client is pressing DynamoDB Local, whatever its latency.
 */
export function requestTime (doc: Doc): () => number {
  let ms = 0
  doc.middlewareStack.add(next => async args => {
    const t = performance.now()
    try { return await next(args) } finally { ms += performance.now() - t }
  }, { step: 'initialize', name: 'timeRequests' })
  return () => ms
}

// ---- the hot path, step by step ----------------------------------------------------------------

/**
 * The design minimum of DynamoDB requests per step of an accepted query (docs: ARCHITECTURE.md "A step
 * reads once and decides once"): 14 in all, status polls aside.
 */
export const HOT_PATH_MINIMUM = {
  /** BatchGetItem (subscriber row, number lock, 4 code limit logs, idempotency record) + TransactWriteItems (logs, code, outbox, idempotency) */
  sendCode: 2,
  /** claim (UpdateItem) + SENT (UpdateItem) + the receipt: one conditional UpdateItem, no read */
  codeSms: 3,
  /** BatchGetItem (verdict and source logs, subscriber row, quota log, idempotency record) + the code try (UpdateItem) + TransactWriteItems (verdict log wiped, quota, code, query, idempotency) */
  submit: 3,
  /** claim (UpdateItem) + number history (BatchGetItem) + results and result SMS (TransactWriteItems) */
  process: 3,
  /** claim (UpdateItem) + SENT with the query (TransactWriteItems) + the receipt with the query (TransactWriteItems, no read) */
  resultSms: 3
} as const

export type HotPathStep = keyof typeof HOT_PATH_MINIMUM

/** one DynamoDB request as the SDK sent it: its command and the tables it names */
export interface Request { command: string, tables: string[] }

const logs = new WeakMap<Doc, Request[]>()

/** every request of this client from now on, with the tables it names (an SDK middleware, added once per client) */
export function requestLog (doc: Doc): Request[] {
  const known = logs.get(doc)
  if (known) return known
  const kept: Request[] = []
  logs.set(doc, kept)
  doc.middlewareStack.add((next, context) => async args => {
    const input = args.input as { TableName?: string, RequestItems?: Record<string, unknown>, TransactItems?: Record<string, { TableName?: string }>[] }
    const tables = new Set<string>()
    if (input.TableName) tables.add(input.TableName)
    for (const t of Object.keys(input.RequestItems ?? {})) tables.add(t)
    for (const item of input.TransactItems ?? []) for (const op of Object.values(item)) if (op.TableName) tables.add(op.TableName)
    kept.push({ command: (context.commandName ?? 'unknown').replace(/Command$/, ''), tables: [...tables] })
    return next(args)
  }, { step: 'initialize', name: 'hotPathRequestLog' })
  return kept
}

/** requests by command, e.g. { BatchGetItem: 1, TransactWriteItems: 1 } */
export function byCommand (requests: readonly Request[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of requests) out[r.command] = (out[r.command] ?? 0) + 1
  return out
}

export interface StepRequests {
  /** the step's requests */
  requests: Request[]
  /** reads of the circuit breakers' shared state: per container and second, not per query (counted apart) */
  breakerReads: number
}

/** a KEYS_ONLY INSERT record, as Lambda's event source hands it to a stream consumer */
export const insertEvent = (pk: string): DynamoDBStreamEvent => ({
  Records: [{ eventID: `${pk}-1`, eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: pk } }, SequenceNumber: '1', StreamViewType: 'KEYS_ONLY' } }]
})

/**
 * One accepted query on a system started with `streams: false`: each step alone, the stream consumers
 * invoked with the record Lambda would give them, so every DynamoDB request is counted against its
 * step. `tablePrefix`: the system's. Throws when the flow does not end with both SMS DELIVERED.
 */
export async function hotPathSteps (
  sys: Pick<System, 'url' | 'runtime' | 'sms'>,
  tablePrefix: string,
  subscriber: { phone: string, idSuffix: string },
  options: { idempotencyKeys?: boolean } = {}
): Promise<Record<HotPathStep, StepRequests>> {
  const log = requestLog(sys.runtime.doc)
  const handlers = bindHandlers(sys.runtime as Parameters<typeof bindHandlers>[0])
  const breakers = `${tablePrefix}${TABLES.enterpriseHealth.name}`
  const step = async (work: () => Promise<unknown>): Promise<StepRequests> => {
    const from = log.length
    await work()
    const all = log.slice(from)
    const breakerRead = (r: Request) => r.tables.length === 1 && r.tables[0] === breakers
    return { requests: all.filter(r => !breakerRead(r)), breakerReads: all.filter(breakerRead).length }
  }
  const post = async (path: string, body: unknown, key: string) => {
    const res = await fetch(sys.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.idempotencyKeys && { 'idempotency-key': key }) },
      body: JSON.stringify(body)
    })
    const json = await res.json() as any
    if (res.status !== 202) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const stream = async (name: 'dispatchSms' | 'processQuery', pk: string) => {
    const result = await handlers.stream[name]!(insertEvent(pk))
    if (result && result.batchItemFailures.length) throw new Error(`${name} failed for ${pk}`)
  }
  const outboxRows = async (where: string, names: Record<string, string>, values: Record<string, unknown>) => {
    // between steps, not counted against any
    const from = log.length
    const { Items } = await sys.runtime.doc.send(new ScanCommand({
      TableName: `${tablePrefix}${TABLES.outbox.name}`, FilterExpression: where, ExpressionAttributeNames: names, ExpressionAttributeValues: values, ConsistentRead: true
    }))
    log.splice(from)
    return Items ?? []
  }

  const { phone, idSuffix } = subscriber
  const sent = sys.sms.all().length
  const sendCode = await step(() => post('/v1/verification-codes', { phone }, `code-${phone}`))
  const codeSms = (await outboxRows('#to = :to AND #s = :pending', { '#to': 'to', '#s': 'status' }, { ':to': phone, ':pending': 'PENDING' }))[0]?.pk as string | undefined
  if (!codeSms) throw new Error('no code SMS queued')
  const codeDispatch = await step(() => stream('dispatchSms', codeSms))
  const code = sys.sms.all().slice(sent).find(m => m.to === phone)?.text.match(/验证码为(\d{6})/)?.[1]
  if (!code) throw new Error('no code SMS sent')
  let queryId = ''
  const submit = await step(async () => { queryId = (await post('/v1/queries', { phone, idSuffix, code, consent: true }, `query-${phone}`)).queryId })
  const processing = await step(() => stream('processQuery', queryId))
  const resultDispatch = await step(() => stream('dispatchSms', `result-${queryId}`))
  const finished = await outboxRows('pk IN (:code, :result) AND #s = :delivered', { '#s': 'status' }, { ':code': codeSms, ':result': `result-${queryId}`, ':delivered': 'DELIVERED' })
  if (finished.length !== 2) throw new Error('the flow did not end with both SMS DELIVERED')
  return { sendCode, codeSms: codeDispatch, submit, process: processing, resultSms: resultDispatch }
}
