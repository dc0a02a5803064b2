// What the bench sections share: percentiles, one HTTP client per simulated device, and seeding.
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { Doc } from '../src/adapters/dynamo/client'
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
