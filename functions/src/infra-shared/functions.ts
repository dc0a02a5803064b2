// Every Lambda function once: its handler module, sizing, the tables it touches and how it is triggered.
// The bundler, the local runtime and the CDK stack all read this list.
import type { TableKey } from './tables'

export type Access = 'read' | 'write' | 'readWrite'

export interface FunctionDefinition {
  /** handler module, relative to functions/; it exports `handler` */
  readonly entry: string
  readonly memoryMb: number
  readonly timeoutSeconds: number
  readonly tables: Partial<Record<TableKey, Access>>
  /** stream-triggered: the table whose INSERTs invoke it */
  readonly streamFrom?: TableKey
  readonly sendsSms?: boolean
  /** reads the enterprise configuration (catalogue and endpoints) at run time */
  readonly readsEnterprises?: boolean
  /** asks the carriers' real-name check (CARRIER_GATEWAY) */
  readonly checksCarrier?: boolean
  /** deployed only when the mocked enterprises are (dev) */
  readonly mockOnly?: boolean
}

export const FUNCTIONS = {
  sendCode: {
    entry: 'src/handlers/send-code.ts', memoryMb: 512, timeoutSeconds: 10,
    tables: { subscribers: 'read', codes: 'write', limits: 'readWrite', outbox: 'write' }, checksCarrier: true
  },
  submitQuery: {
    entry: 'src/handlers/submit-query.ts', memoryMb: 512, timeoutSeconds: 10,
    tables: { subscribers: 'read', codes: 'readWrite', limits: 'readWrite', queries: 'write' }, checksCarrier: true
  },
  getQuery: {
    entry: 'src/handlers/get-query.ts', memoryMb: 256, timeoutSeconds: 5,
    tables: { queries: 'read' }
  },
  listEnterprises: {
    entry: 'src/handlers/list-enterprises.ts', memoryMb: 256, timeoutSeconds: 5,
    tables: {}, readsEnterprises: true
  },
  processQuery: {
    entry: 'src/handlers/process-query.ts', memoryMb: 512, timeoutSeconds: 30,
    tables: { queries: 'readWrite', outbox: 'write' }, streamFrom: 'queries', readsEnterprises: true
  },
  dispatchSms: {
    entry: 'src/handlers/dispatch-sms.ts', memoryMb: 256, timeoutSeconds: 30,
    tables: { outbox: 'readWrite', queries: 'readWrite' }, streamFrom: 'outbox', sendsSms: true
  },
  mockEnterprise: {
    entry: 'src/handlers/mock-enterprise.ts', memoryMb: 256, timeoutSeconds: 10,
    tables: {}, mockOnly: true
  }
} as const satisfies Record<string, FunctionDefinition>

export type FunctionName = keyof typeof FUNCTIONS
