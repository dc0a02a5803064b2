// Every Lambda function once: its handler module, sizing, the DynamoDB actions it calls on each table
// and how it is triggered. The bundler, the local runtime and the CDK stack all read this list.
import { POLICY } from '../domain/policy'
import type { TableKey } from './tables'

/**
 * The DynamoDB API actions a function calls, each one granted on that table alone. A transaction
 * (TransactWriteItems) needs no action of its own: IAM checks each item's Put/Update/Delete/ConditionCheck.
 */
export type DynamoAction = 'GetItem' | 'BatchGetItem' | 'BatchWriteItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query' | 'Scan'

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
  /** exactly the actions the function's code calls, per table: the grant is this list and nothing more */
  readonly tables: Partial<Record<TableKey, readonly DynamoAction[]>>
  /** reads the secrets parameter (pepper, enterprise key); only these get it, and its name */
  readonly readsSecrets?: boolean
  /** stream-triggered: the table whose INSERTs invoke it */
  readonly streamFrom?: TableKey
  /** runs on a timer: EventBridge deployed, setInterval locally */
  readonly schedule?: { readonly everyMinutes: number }
  /** stream-triggered functions: batch and concurrency sizing */
  readonly consumer?: StreamConsumer
  /**
   * concurrent executions reserved (and capped) for this function, so one flooded route can neither
   * take the account's whole concurrency nor be starved by another, and a stream backlog drained at
   * once cannot flood the enterprises or the SMS provider; applied where the stage config turns
   * reserved concurrency on (an account's default quota may be too small for it)
   */
  readonly reservedConcurrency?: number
  readonly sendsSms?: boolean
  /** reads the enterprise configuration (catalogue and endpoints) at run time */
  readonly readsEnterprises?: boolean
  /** asks the carriers' real-name check (CARRIER_GATEWAY) */
  readonly checksCarrier?: boolean
  /**
   * computes working-day deadlines (release notices' confirm-by, resolution cases' resolve-by): gets the
   * stage's public holidays (HOLIDAYS); the sweeps only compare the deadlines stored with each item
   */
  readonly countsWorkingDays?: boolean
  /** tells enterprises where to call back: gets the stage's callback base URL (CALLBACK_BASE_URL), if it has one */
  readonly givesCallbackUrl?: boolean
  /** deployed only when the mocked enterprises are (dev) */
  readonly mockOnly?: boolean
}

export const FUNCTIONS = {
  sendCode: {
    entry: 'src/handlers/send-code.ts', memoryMb: 512, timeoutSeconds: 10,
    // one read (BatchGet: the subscriber row, the number lock, the 4 code limit logs, the idempotency
    // record), then one transaction: the logs (Update), the code, the outbox row and the idempotency record (Put)
    tables: { subscribers: ['BatchGetItem'], codes: ['PutItem'], limits: ['BatchGetItem', 'UpdateItem', 'PutItem'], outbox: ['PutItem'] },
    // 1,000 codes/s × ~50 ms deployed ≈ 50 at once, × 1.5 (docs/CAPACITY.md §4–5)
    readsSecrets: true, checksCarrier: true, reservedConcurrency: 75
  },
  submitQuery: {
    entry: 'src/handlers/submit-query.ts', memoryMb: 512, timeoutSeconds: 10,
    // one read (BatchGet: verdict and source logs, the subscriber row, the quota log, the idempotency
    // record), the code try (Update), then one transaction: the verdict backoff wiped (Delete), quota log
    // (Update), code (Delete), idempotency record and query (Put); failures and lost verdicts (Update)
    tables: { subscribers: ['BatchGetItem'], codes: ['UpdateItem', 'DeleteItem'], limits: ['BatchGetItem', 'UpdateItem', 'DeleteItem', 'PutItem'], queries: ['PutItem'] },
    // 1,000 submits/s × 60–100 ms (was 8 round trips one after another, now 3) ≈ 60–100 at once, × 1.5 of 100
    readsSecrets: true, checksCarrier: true, reservedConcurrency: 150
  },
  getQuery: {
    entry: 'src/handlers/get-query.ts', memoryMb: 256, timeoutSeconds: 5,
    // ~2 polls per query: 2,000/s × ~20 ms ≈ 40 at once, × 1.5
    tables: { queries: ['GetItem'] }, reservedConcurrency: 60
  },
  listEnterprises: {
    entry: 'src/handlers/list-enterprises.ts', memoryMb: 256, timeoutSeconds: 5,
    // not on the query path (the enterprise and case pages): 5 ÷ ~10 ms ≈ 500 calls/s
    tables: {}, readsEnterprises: true, reservedConcurrency: 5
  },
  getOpenApi: {
    entry: 'src/handlers/get-openapi.ts', memoryMb: 256, timeoutSeconds: 5,
    tables: {}, reservedConcurrency: 2
  },
  processQuery: {
    entry: 'src/handlers/process-query.ts', memoryMb: 512, timeoutSeconds: 30,
    // claim (Update) and the breakers' shared state (BatchGet once per container and second; Put/Delete
    // when one opens or closes), the number's history (BatchGet: when a re-issued number's holder got it),
    // then one transaction: results (Update) + the result SMS (Put) + a summary form's result code (Put)
    tables: { queries: ['UpdateItem'], outbox: ['PutItem'], codes: ['PutItem'], enterpriseHealth: ['BatchGetItem', 'PutItem', 'DeleteItem'], lifecycle: ['BatchGetItem'] },
    streamFrom: 'queries', readsEnterprises: true, readsSecrets: true,
    // a batch waits for its slowest query (≤ one enterprise deadline × 2 tries before a breaker opens):
    // 10 batches of 25 per shard keep a hung enterprise from capping a shard; 100 at once bounds the
    // enterprises' load when a backlog drains (docs/CAPACITY.md). Healthy at 1,000 queries/s: ~20 at
    // once (≈ 110 inserts/s per shard over ≥ 9 shards, a lane of 25 per ~0.35 s); 100 is 5 × that and
    // above the 90 lanes of 9 shards; only the seconds before a hung enterprise's breaker opens want ~160
    consumer: { batchSize: 25, parallelizationFactor: 10, recordConcurrency: 25, retryAttempts: 5, maxRecordAgeSeconds: 900 },
    reservedConcurrency: 100
  },
  dispatchSms: {
    entry: 'src/handlers/dispatch-sms.ts', memoryMb: 256, timeoutSeconds: 30,
    // claim (Update), then SENT: the message alone (Update) or with its query (a transaction of two
    // Updates); a sender that knows delivery at once records it the same way, conditioned, without a read
    tables: { outbox: ['UpdateItem'], queries: ['UpdateItem'] }, streamFrom: 'outbox', sendsSms: true,
    // the recipient's keyed hash (kept to match receipts) needs the pepper; a mainland provider's account is there too
    readsSecrets: true, readsEnterprises: true,
    // 2,000 sends/s ÷ (10 a batch per ~0.15 s) ≈ 30 at once, × 1.5 = 45; 45 × 10 sends at once stays
    // under the SMS provider's account QPS (≈ 4,500/s < Aliyun's 5,000/s; 30 for Tencent's 3,000/s), so
    // not the 70 lanes of 14 shards × 5: a backlog filling every lane drains at 45 (docs/CAPACITY.md)
    consumer: { batchSize: 10, parallelizationFactor: 5, recordConcurrency: 10, retryAttempts: 5, maxRecordAgeSeconds: 900 },
    reservedConcurrency: 45
  },
  sweepStuck: {
    entry: 'src/handlers/sweep-stuck.ts', memoryMb: 256, timeoutSeconds: 300,
    // finds rows still holding a clear number past the bound (Query on each table's due index), ends them (Update)
    tables: { queries: ['Query', 'UpdateItem'], outbox: ['Query', 'UpdateItem'] }, schedule: { everyMinutes: POLICY.stuck.sweepEveryMinutes }
  },
  smsReceipt: {
    entry: 'src/handlers/sms-receipt.ts', memoryMb: 256, timeoutSeconds: 10,
    // our id is in the receipt, or found by the provider's (Query on its index); then one conditional
    // write, no read: the message (Update), with its query for a result SMS (a transaction of two Updates)
    tables: { outbox: ['Query', 'UpdateItem'], queries: ['UpdateItem'] }, readsSecrets: true,
    // ≤ 2 receipts per query: 2,000/s × 10–20 ms (one conditional write) ≈ 20–40 at once, × 1.5 of 40
    reservedConcurrency: 60
  },
  carrierEvents: {
    entry: 'src/handlers/carrier-events.ts', memoryMb: 512, timeoutSeconds: 30,
    // rate bucket and replay mark (Get/Put, CallerLedger); event marks (Get); histories (BatchGet); one
    // transaction per event: event mark and history (Put), released feed entry (Put), release notices (Put);
    // the subscriber record (Put/Update)
    tables: {
      callerLedger: ['GetItem', 'PutItem'],
      lifecycle: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      subscribers: ['PutItem', 'UpdateItem'],
      notices: ['BatchGetItem', 'PutItem'],
      // a cancelled or re-issued number's binding alerts end: the subscription (Get), then it, its
      // rows and state (Delete, in one transaction; BatchWrite beyond one)
      alertSubscriptions: ['GetItem', 'DeleteItem', 'BatchWriteItem']
    },
    // a release or re-issue creates its notices, each due within LIFECYCLE_POLICY.confirmWorkingDays
    readsSecrets: true, readsEnterprises: true, countsWorkingDays: true, reservedConcurrency: 5
  },
  platformChecks: {
    entry: 'src/handlers/platform-checks.ts', memoryMb: 512, timeoutSeconds: 10,
    // rate bucket, replay mark, one audit item per call (Get/Put), a day's audit (Query on its index,
    // BatchGet); histories (BatchGet), the daily number quota (Update), the released feed (Query on its index)
    tables: { callerLedger: ['GetItem', 'PutItem', 'Query', 'BatchGetItem'], lifecycle: ['BatchGetItem', 'UpdateItem', 'Query'] },
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 10
  },
  camaraNumberRecycling: {
    entry: 'src/handlers/camara-number-recycling.ts', memoryMb: 512, timeoutSeconds: 10,
    // the bulk check's path (checkNumbers): rate bucket and one audit item per call (Get/Put, CallerLedger),
    // histories (BatchGet), the daily number quota (Update)
    tables: { callerLedger: ['GetItem', 'PutItem'], lifecycle: ['BatchGetItem', 'UpdateItem'] },
    // the pepper (number hashes) and the token signing keys; the catalogue names the token's enterprise
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 10
  },
  oauthServer: {
    entry: 'src/handlers/oauth-server.ts', memoryMb: 256, timeoutSeconds: 10,
    // the token endpoint's try bucket (Get/Put, CallerLedger)
    tables: { callerLedger: ['GetItem', 'PutItem'] },
    // client secrets derive from the enterprise key; tokens are signed with the OAuth keys
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 5
  },
  notifyEnterprises: {
    entry: 'src/handlers/notify-enterprises.ts', memoryMb: 256, timeoutSeconds: 30,
    // the notice (Get), then delivered or undelivered (Update)
    tables: { notices: ['GetItem', 'UpdateItem'] }, streamFrom: 'notices', readsSecrets: true, readsEnterprises: true,
    // one notice per enterprise per released number (60 at national scale): a release's notices go out
    // in one batch, all at once (time until all hold it ≈ the slowest enterprise, bench/coverage.ts);
    // each enterprise still gets at most one notice per release per batch
    consumer: { batchSize: 100, parallelizationFactor: 2, recordConcurrency: 100, retryAttempts: 3, maxRecordAgeSeconds: 3600 },
    reservedConcurrency: 10
  },
  noticeCallback: {
    entry: 'src/handlers/notice-callback.ts', memoryMb: 256, timeoutSeconds: 10,
    // replay mark (Put); the notice confirmed (Update), read back when it already was (Get)
    tables: { callerLedger: ['PutItem'], notices: ['GetItem', 'UpdateItem'] }, readsSecrets: true, readsEnterprises: true, reservedConcurrency: 5
  },
  lifecycleSweep: {
    entry: 'src/handlers/lifecycle-sweep.ts', memoryMb: 256, timeoutSeconds: 120,
    // notices still pending (Query on the due index), each re-sent as the consumer does (Get, Update)
    tables: { notices: ['Query', 'GetItem', 'UpdateItem'] }, readsSecrets: true, readsEnterprises: true,
    schedule: { everyMinutes: 5 }
  },
  createCase: {
    entry: 'src/handlers/create-case.ts', memoryMb: 512, timeoutSeconds: 10,
    // the verification as for a query (subscriber row and verdict logs, the idempotency record, the case
    // quota log: a BatchGet each; logs Update, code try Update, the recent query Get;
    // a failed proof with a query spends it: Update), then one transaction: code (Delete) or recent query (Update), case quota log (Update), cleared
    // backoff (Delete), (number, app) guards and idempotency record (Put), the case, its disputes and
    // the accepted SMS (Put)
    tables: {
      subscribers: ['BatchGetItem'],
      codes: ['UpdateItem', 'DeleteItem'],
      limits: ['BatchGetItem', 'UpdateItem', 'DeleteItem', 'PutItem'],
      queries: ['GetItem', 'UpdateItem'],
      cases: ['PutItem'],
      disputes: ['PutItem'],
      outbox: ['PutItem']
    },
    // each item's resolve-by (deadlinesFrom) and the callbackUrl handed to its enterprise
    readsSecrets: true, checksCarrier: true, readsEnterprises: true, countsWorkingDays: true, givesCallbackUrl: true, reservedConcurrency: 10
  },
  queryDetails: {
    entry: 'src/handlers/query-details.ts', memoryMb: 256, timeoutSeconds: 10,
    // gates (limit logs Get), the lookup counted (Update, or Put for a new log), a wrong code counted
    // (Update/Put); the result code (Get) and its query's results (Get): reads only on those two tables
    tables: { limits: ['GetItem', 'UpdateItem', 'PutItem'], codes: ['GetItem'], queries: ['GetItem'] },
    // the pepper keys number, requester and code; the catalogue gives each app its SMS label
    readsSecrets: true, readsEnterprises: true,
    // ≤ 1 per summary-form query, read by people: well under the query rate
    reservedConcurrency: 10
  },
  getCase: {
    entry: 'src/handlers/get-case.ts', memoryMb: 256, timeoutSeconds: 5,
    // the token is a 256-bit secret stored as a plain SHA-256: checking it needs no pepper
    tables: { cases: ['GetItem'] }, reservedConcurrency: 10
  },
  forwardDispute: {
    entry: 'src/handlers/forward-dispute.ts', memoryMb: 256, timeoutSeconds: 30,
    // the dispute (Get), then one transaction: the item FORWARDED (Update) and the dispute with its clear number (Delete)
    tables: { disputes: ['GetItem', 'DeleteItem'], cases: ['UpdateItem'] },
    streamFrom: 'disputes', readsSecrets: true, readsEnterprises: true,
    // a case writes one dispute per app (11 today) in one transaction: a batch of 25 sent at once takes
    // a whole case, so its items wait for no other enterprise than their own (a batch of 10 made the
    // 11th wait for the slowest of the first 10); 2 × 25 bounds what a burst of cases costs each enterprise
    consumer: { batchSize: 25, parallelizationFactor: 2, recordConcurrency: 25, retryAttempts: 3, maxRecordAgeSeconds: 3600 },
    reservedConcurrency: 10
  },
  disputeCallback: {
    entry: 'src/handlers/dispute-callback.ts', memoryMb: 256, timeoutSeconds: 10,
    // replay mark (Put); the case read (Get) and written back on its version (Put) with the item's
    // (number, app) guard released (Delete) and the batched SMS queued (Put), in one transaction
    tables: { callerLedger: ['PutItem'], cases: ['GetItem', 'PutItem'], limits: ['DeleteItem'], outbox: ['PutItem'] },
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 5
  },
  sweepCases: {
    entry: 'src/handlers/sweep-cases.ts', memoryMb: 256, timeoutSeconds: 120,
    // cases due (Query on the due index), each read (Get) and written back (Put) with its SMS (Put) and
    // expired disputes (Delete); disputes still undelivered (Scan) re-sent as the consumer does (Get, Update, Delete)
    tables: { cases: ['Query', 'GetItem', 'PutItem', 'UpdateItem'], disputes: ['Scan', 'GetItem', 'DeleteItem'], outbox: ['PutItem'] },
    readsSecrets: true, readsEnterprises: true, schedule: { everyMinutes: POLICY.cases.sweepEveryMinutes }
  },
  setBindingAlerts: {
    entry: 'src/handlers/binding-alerts.ts', memoryMb: 512, timeoutSeconds: 10,
    // the verification as for a query (limit logs Get/Update, code try Update), the subscription's rows
    // (Get), then one transaction: code (Delete), cleared backoff (Delete), subscription, its rows and
    // state (Put/Delete), the confirmation SMS (Put); rows beyond one transaction in batches (BatchWrite)
    tables: {
      subscribers: ['GetItem'],
      codes: ['UpdateItem', 'DeleteItem'],
      limits: ['GetItem', 'UpdateItem', 'DeleteItem'],
      alertSubscriptions: ['GetItem', 'PutItem', 'DeleteItem', 'BatchWriteItem'],
      outbox: ['PutItem']
    },
    // the HMAC per enterprise is computed from its key here, the one moment the number is in hand
    readsSecrets: true, checksCarrier: true, readsEnterprises: true, reservedConcurrency: 10
  },
  bindingEvents: {
    entry: 'src/handlers/binding-events.ts', memoryMb: 512, timeoutSeconds: 30,
    // rate bucket and replay mark (Get/Put, CallerLedger); subscriptions (BatchGet per 100 numbers); the
    // subscribed numbers' events (Put, once each)
    tables: { callerLedger: ['GetItem', 'PutItem'], alertSubscriptions: ['BatchGetItem'], bindingEvents: ['PutItem'] },
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 10
  },
  bindingSubscriptions: {
    entry: 'src/handlers/binding-subscriptions.ts', memoryMb: 256, timeoutSeconds: 10,
    // rate bucket and replay mark (Get/Put, CallerLedger); a page of the caller's rows (Query on the by-enterprise index)
    tables: { callerLedger: ['GetItem', 'PutItem'], alertSubscriptions: ['Query'] },
    readsSecrets: true, readsEnterprises: true, reservedConcurrency: 5
  },
  sendBindingAlerts: {
    entry: 'src/handlers/send-binding-alerts.ts', memoryMb: 256, timeoutSeconds: 30,
    // the event and the number's alert state (BatchGet), then one transaction: subscription
    // (ConditionCheck), state (Put), event (Update), the alert SMS (Put); dropped events (Update)
    tables: {
      bindingEvents: ['BatchGetItem', 'UpdateItem'],
      alertSubscriptions: ['BatchGetItem', 'PutItem', 'ConditionCheckItem'],
      outbox: ['PutItem']
    },
    streamFrom: 'bindingEvents', readsSecrets: true, readsEnterprises: true,
    // 1 % of 100,000 bindings a minute ≈ 17 alerts/s: a few lanes suffice; 10 bounds a backlog's SMS rate
    consumer: { batchSize: 25, parallelizationFactor: 2, recordConcurrency: 25, retryAttempts: 5, maxRecordAgeSeconds: 900 },
    reservedConcurrency: 10
  },
  sweepBindingAlerts: {
    entry: 'src/handlers/sweep-binding-alerts.ts', memoryMb: 256, timeoutSeconds: 60,
    // held events due (Query on the due index), read (BatchGet) with their numbers' states, then per
    // number one transaction as the consumer's; dropped events (Update)
    tables: {
      bindingEvents: ['Query', 'BatchGetItem', 'UpdateItem'],
      alertSubscriptions: ['BatchGetItem', 'PutItem', 'ConditionCheckItem'],
      outbox: ['PutItem']
    },
    // every 2 minutes: an event waiting behind held ones still goes out within the 5 minutes of the promise
    readsSecrets: true, readsEnterprises: true, schedule: { everyMinutes: 2 }
  },
  mockEnterprise: {
    entry: 'src/handlers/mock-enterprise.ts', memoryMb: 256, timeoutSeconds: 10,
    // the enterprise key verifies the requests it answers, as a real enterprise's copy would
    tables: {}, mockOnly: true, readsSecrets: true
  }
} as const satisfies Record<string, FunctionDefinition>

export type FunctionName = keyof typeof FUNCTIONS

type Where<Shape> = { [K in FunctionName]: (typeof FUNCTIONS)[K] extends Shape ? K : never }[FunctionName]
/** invoked by a table's stream (`streamFrom`) */
export type StreamFunctionName = Where<{ readonly streamFrom: TableKey }>
/** invoked on a timer (`schedule`) */
export type ScheduledFunctionName = Where<{ readonly schedule: { readonly everyMinutes: number } }>
/** deployed with the mocked enterprises only, behind their own routes */
export type MockFunctionName = Where<{ readonly mockOnly: true }>
/** every other function answers the API's routes (ROUTES): the kind follows from the declaration alone */
export type HttpFunctionName = Exclude<FunctionName, StreamFunctionName | ScheduledFunctionName | MockFunctionName>

/** deployed names, shared by the stack and the operations scripts (`npm run redrive`) */
export const deployedName = (stage: string, fn: FunctionName) => `yzt-${stage}-${fn}`
export const dlqName = (stage: string, fn: FunctionName) => `yzt-${stage}-${fn}-dlq`
