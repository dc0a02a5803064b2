import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { BatchGetCommand, DynamoDBDocumentClient, paginateScan, UpdateCommand, type NativeAttributeValue, type ScanCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb'
import { contended } from '#domain/errors'
import { AGAIN, ON_CONFLICT, retryOnConflict } from '#domain/pacing'
import { TABLES, tableName, type TableKey } from '#infra-shared/tables'

export type Doc = DynamoDBDocumentClient

export function makeDocClient (config: DynamoDBClientConfig = {}): Doc {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true }
  })
}

/** Table names resolved once from the environment (deployed) or the shared definitions (local). */
export type TableNames = Record<TableKey, string>

export function tableNames (env: Record<string, string | undefined> = process.env): TableNames {
  return Object.fromEntries((Object.keys(TABLES) as TableKey[]).map(k => [k, tableName(k, env)])) as TableNames
}

export const seconds = (ms: number) => Math.floor(ms / 1000)

/** per table: the partition keys (`pk`) to read, and whether the read must be strongly consistent */
export type BatchReadRequest = Record<string, { keys: readonly string[], consistent?: boolean }>

/**
 * Items of several tables in one BatchGetItem (a step's one read: subscriber, limit logs, idempotency
 * record), by table then pk. Keys DynamoDB leaves unprocessed (throttling, 16 MB) are asked again,
 * with a short backoff; 100 keys per request at most (a step reads a handful).
 */
export async function batchRead (doc: Doc, request: BatchReadRequest): Promise<Record<string, Map<string, Record<string, NativeAttributeValue>>>> {
  const found: Record<string, Map<string, Record<string, NativeAttributeValue>>> = {}
  let pending: NonNullable<ConstructorParameters<typeof BatchGetCommand>[0]['RequestItems']> = {}
  for (const [table, { keys, consistent }] of Object.entries(request)) {
    found[table] = new Map()
    const unique = [...new Set(keys)]
    if (unique.length) pending[table] = { Keys: unique.map(pk => ({ pk })), ...(consistent && { ConsistentRead: true }) }
  }
  if (!Object.keys(pending).length) return found
  const done = await retryOnConflict(ON_CONFLICT.batchRead, async () => {
    const { Responses, UnprocessedKeys } = await doc.send(new BatchGetCommand({ RequestItems: pending }))
    for (const [table, items] of Object.entries(Responses ?? {})) {
      for (const item of items) found[table]!.set(item.pk as string, item)
    }
    pending = Object.fromEntries(Object.entries(UnprocessedKeys ?? {}).filter(([, r]) => r.Keys?.length)) as typeof pending
    return Object.keys(pending).length ? AGAIN : found
  })
  if (done === AGAIN) throw contended()
  return found
}

/** Which items of a cancelled transaction failed their condition (index → old item, marshalled). */
export function cancelledConditions (err: unknown): Map<number, Record<string, { N?: string, S?: string }> | undefined> | undefined {
  if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') return undefined
  const reasons = (err as { CancellationReasons?: { Code?: string, Item?: Record<string, { N?: string, S?: string }> }[] }).CancellationReasons ?? []
  const failed = new Map<number, Record<string, { N?: string, S?: string }> | undefined>()
  reasons.forEach((r, i) => { if (r.Code === 'ConditionalCheckFailed') failed.set(i, r.Item) })
  // cancelled for another reason (conflict, throttling): not a rule decision, let it surface
  return failed.size ? failed : undefined
}

export function isConditionFailure (err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException'
}

/**
 * An update guarded by a condition: the item as written, or undefined when the condition did not
 * hold. An item inside another request's transaction refuses the write (TransactionConflict): that
 * is a retry, and after a few a 429, never an error.
 */
export async function updateIf (doc: Doc, input: UpdateCommandInput): Promise<Record<string, NativeAttributeValue> | undefined> {
  const written = await retryOnConflict(ON_CONFLICT.conditionalUpdate, async () => {
    try {
      const { Attributes } = await doc.send(new UpdateCommand({ ReturnValues: 'ALL_NEW', ...input }))
      return { item: Attributes ?? {} }
    } catch (err) {
      if (isConditionFailure(err)) return { item: undefined }
      if (err instanceof Error && err.name === 'TransactionConflictException') return AGAIN
      throw err
    }
  })
  if (written === AGAIN) throw contended()
  return written.item
}

/** Every item a filtered scan finds, page by page (the sweep's search; projection keeps it small). */
export async function * scanAll (doc: Doc, input: ScanCommandInput): AsyncGenerator<Record<string, NativeAttributeValue>> {
  for await (const page of paginateScan({ client: doc, pageSize: 500 }, input)) {
    yield * page.Items ?? []
  }
}
