// A whole system per test file on the shared DynamoDB Local, with a clock the test moves.
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { cryptoRandom } from '../../src/adapters/crypto'
import { startSystem, type System, type SystemOptions } from '../../src/local/system'
import type { Clock, Random } from '#ports'
import { TABLES } from '../../src/infra-shared/tables'
import demo from '../../fixtures/demo.json'

export const DEMO = demo

export class ManualClock implements Clock {
  constructor (public t = Date.parse('2026-07-21T02:00:00Z')) {}
  now (): number { return this.t }
  advance (ms: number): void { this.t += ms }
}

/** crypto codes unless a test fixes the next ones */
export class ScriptedRandom implements Random {
  codes: string[] = []
  code (): string { return this.codes.shift() ?? cryptoRandom.code() }
  id (): string { return cryptoRandom.id() }
}

export interface TestSystem extends System {
  clock: ManualClock
  random: ScriptedRandom
  /** the real name of a table in this system */
  table (name: string): string
  /** every item of every table, for privacy and nothing-written checks */
  dump (): Promise<Record<string, Record<string, unknown>[]>>
}

let counter = 0

export async function startTestSystem (options: Partial<SystemOptions> & { clock?: ManualClock } = {}): Promise<TestSystem> {
  const clock = options.clock ?? new ManualClock()
  const random = new ScriptedRandom()
  const prefix = `t${process.pid}x${++counter}x${Date.now().toString(36)}_`
  const system = await startSystem({
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    tablePrefix: prefix,
    seed: demo,
    pollIdleMs: 20,
    print: process.env.YZT_DEBUG_STREAMS ? (line: string) => console.log(line) : undefined,
    ...options,
    clock,
    random
  })
  const dump = async () => {
    const out: Record<string, Record<string, unknown>[]> = {}
    for (const t of Object.values(TABLES)) {
      const { Items } = await system.runtime.doc.send(new ScanCommand({ TableName: `${prefix}${t.name}`, ConsistentRead: true }))
      out[t.name] = Items ?? []
    }
    return out
  }
  return Object.assign(system, { clock, random, dump, table: (name: string) => `${prefix}${name}` })
}

export async function waitFor<T> (probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

export interface Reply { status: number, headers: Headers, body: any, text: string }

export async function call (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch { parsed = undefined }
  return { status: res.status, headers: res.headers, body: parsed, text }
}

const codeSms = (system: System, phone: string) => system.sms.all().filter(m => m.to === phone && m.text.includes('验证码'))

/** the code of the newest code SMS to this number */
export function lastCode (system: System, phone: string): string | undefined {
  return codeSms(system, phone).at(-1)?.text.match(/验证码为(\d{6})/)?.[1]
}

export async function requestCodeAndRead (system: System, phone: string): Promise<string> {
  // count code SMS only: a result SMS arriving meanwhile must not pass for the new code
  const before = codeSms(system, phone).length
  const res = await call(system.url, 'POST', '/v1/verification-codes', { phone })
  if (res.status !== 202) throw new Error(`code request: ${res.status} ${res.text}`)
  await waitFor(() => codeSms(system, phone).length > before, 'code SMS')
  return lastCode(system, phone)!
}
