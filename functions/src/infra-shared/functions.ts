// Every Lambda function once: its handler module, sizing, the tables it touches and how it is triggered.
// The bundler, the local runtime and the CDK stack all read this list.
import type { TableKey } from './tables'

export type Access = 'read' | 'write' | 'readWrite'

/** How a stream's records reach a consumer: the CDK event source mapping and the local poller read it. */
export interface StreamConsumer {
  /** records per invocation */
  readonly batchSize: number
  /** batches of one shard processed at once (Lambda: 1–10) */
  readonly parallelizationFactor: number
  /** records of one batch handled at once inside the function */
  readonly recordConcurrency: number
  /** failed records are retried this many times (halving the batch), then go to the dead-letter queue */
  readonly retryAttempts: number
  /** a record still unprocessed after this long goes to the dead-letter queue unprocessed (see docs/CAPACITY.md) */
  readonly maxRecordAgeSeconds: number
}

export interface FunctionDefinition {
  /** handler module, relative to functions/; it exports `handler` */
  readonly entry: string
  readonly memoryMb: number
  readonly timeoutSeconds: number
  readonly tables: Partial<Record<TableKey, Access>>
  /** stream-triggered: the table whose INSERTs invoke it */
  readonly streamFrom?: TableKey
  /** stream-triggered functions: batch and concurrency sizing */
  readonly consumer?: StreamConsumer
  /** reserved (and so maximum) concurrent executions: protects the enterprises and the SMS provider from a backlog drained at once */
  readonly reservedConcurrency?: number
  readonly sendsSms?: boolean
  readonly callsEnterprises?: boolean
  /** deployed only when the mocked enterprises are (dev) */
  readonly mockOnly?: boolean
}

export const FUNCTIONS = {
  sendCode: {
    entry: 'src/handlers/send-code.ts', memoryMb: 512, timeoutSeconds: 10,
    tables: { subscribers: 'read', codes: 'write', limits: 'readWrite', outbox: 'write' }
  },
  submitQuery: {
    entry: 'src/handlers/submit-query.ts', memoryMb: 512, timeoutSeconds: 10,
    tables: { subscribers: 'read', codes: 'readWrite', limits: 'readWrite', queries: 'write' }
  },
  getQuery: {
    entry: 'src/handlers/get-query.ts', memoryMb: 256, timeoutSeconds: 5,
    tables: { queries: 'read' }
  },
  listEnterprises: {
    entry: 'src/handlers/list-enterprises.ts', memoryMb: 256, timeoutSeconds: 5,
    tables: {}
  },
  processQuery: {
    entry: 'src/handlers/process-query.ts', memoryMb: 512, timeoutSeconds: 30,
    tables: { queries: 'readWrite', outbox: 'write', enterpriseHealth: 'readWrite' }, streamFrom: 'queries', callsEnterprises: true,
    // a batch waits for its slowest query (≤ one enterprise deadline × 2 tries before a breaker opens):
    // 10 batches of 25 per shard keep a hung enterprise from capping a shard; 100 at once bounds the
    // enterprises' load when a backlog drains (docs/CAPACITY.md)
    consumer: { batchSize: 25, parallelizationFactor: 10, recordConcurrency: 25, retryAttempts: 5, maxRecordAgeSeconds: 900 },
    reservedConcurrency: 100
  },
  dispatchSms: {
    entry: 'src/handlers/dispatch-sms.ts', memoryMb: 256, timeoutSeconds: 30,
    tables: { outbox: 'readWrite', queries: 'readWrite' }, streamFrom: 'outbox', sendsSms: true,
    // 40 × 10 sends at once stays under the SMS provider's account QPS (docs/CAPACITY.md)
    consumer: { batchSize: 10, parallelizationFactor: 5, recordConcurrency: 10, retryAttempts: 5, maxRecordAgeSeconds: 900 },
    reservedConcurrency: 40
  },
  mockEnterprise: {
    entry: 'src/handlers/mock-enterprise.ts', memoryMb: 256, timeoutSeconds: 10,
    tables: {}, mockOnly: true
  }
} as const satisfies Record<string, FunctionDefinition>

export type FunctionName = keyof typeof FUNCTIONS
