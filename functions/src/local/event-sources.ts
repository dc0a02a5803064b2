// Lambda's event sources on one machine: a stream poller per stream consumer (INSERT events only)
// and a timer per scheduled function. Each start returns its stop.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { FUNCTIONS, type FunctionName } from '#infra-shared/functions'
import { TABLES } from '#infra-shared/tables'
import type { bindHandlers } from './handlers'
import { StreamPoller } from './stream-poller'
import { streamArn } from './tables'

type Handlers = ReturnType<typeof bindHandlers>
type Stop = () => Promise<void>
const declared = () => Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]

export interface PollerSetup {
  handlers: Handlers
  admin: DynamoDBClient
  streams: DynamoDBStreamsClient
  tableEnv: Record<string, string>
  idleMs?: number
  print: (line: string) => void
  deadLetters: { stream: string, key: string, reason: 'failed' | 'expired' }[]
}

export interface Pollers {
  stops: Stop[]
  /** a write to these tables (undefined: any): wake their pollers */
  written (tables: string[] | undefined): void
}

export async function startStreamPollers ({ handlers, admin, streams, tableEnv, idleMs, print, deadLetters }: PollerSetup): Promise<Pollers> {
  const stops: Stop[] = []
  const byTable = new Map<string, StreamPoller[]>()
  for (const [name, fn] of declared()) {
    if (!('streamFrom' in fn)) continue
    const handler = handlers.stream[name]!
    const table = tableEnv[TABLES[fn.streamFrom].envVar]!
    const poller = new StreamPoller({
      client: streams,
      streamArn: await streamArn(admin, table),
      handler,
      name,
      consumer: fn.consumer,
      idleMs,
      onError: err => { if (process.env.YZT_DEBUG_STREAMS) print(`stream ${name}: ${(err as Error).name} ${(err as Error).message}`) },
      onDeadLetter: (record, stream, reason) => {
        deadLetters.push({ stream, key: record.dynamodb?.Keys?.pk?.S ?? '', reason })
        print(`⚠️  ${stream}: record ${record.dynamodb?.SequenceNumber} ${reason === 'expired' ? 'older than the maximum record age' : 'failed after retries'} (dead letter)`)
      }
    })
    poller.start()
    stops.push(() => poller.stop())
    byTable.set(table, [...(byTable.get(table) ?? []), poller])
  }
  const written = (tables: string[] | undefined) => {
    for (const table of tables ?? byTable.keys()) for (const poller of byTable.get(table) ?? []) poller.wake()
  }
  return { stops, written }
}

/** scheduled functions: EventBridge rules deployed, timers here */
export function startSchedules (handlers: Handlers, print: (line: string) => void, everyMs?: number): Stop[] {
  const stops: Stop[] = []
  for (const [name, fn] of declared()) {
    if (!('schedule' in fn)) continue
    const run = handlers.scheduled[name]!
    let running: Promise<unknown> | undefined
    const timer = setInterval(() => {
      // a run still going when the next is due: skip this one, as a sweep that overlaps itself helps nobody
      running ??= run().catch(err => print(`${name}: ${(err as Error).message}`)).finally(() => { running = undefined })
    }, everyMs ?? fn.schedule.everyMinutes * 60_000)
    timer.unref()
    stops.push(async () => { clearInterval(timer); await running })
  }
  return stops
}
