// Which tables a DynamoDB request writes, told to a listener once the write succeeded. The local
// runtime wakes the stream poller of a written table with it, so pollers need not read idle shards
// often (each read of DynamoDB Local's stream scans every stream record it holds).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite|BatchExecuteStatement|ExecuteStatement|ExecuteTransaction)/

type Input = {
  TableName?: unknown
  RequestItems?: Record<string, unknown>
  TransactItems?: Record<string, { TableName?: unknown } | undefined>[]
}

/** the tables a write request names (none for reads; a PartiQL statement is not parsed: undefined, all) */
export function writtenTables (commandName: string, input: Input): string[] | undefined {
  if (!WRITES.test(commandName)) return []
  if (/Statement|ExecuteTransaction/.test(commandName)) return undefined
  if (typeof input.TableName === 'string') return [input.TableName]
  if (input.RequestItems) return Object.keys(input.RequestItems)
  const names = (input.TransactItems ?? []).flatMap(t => ['Put', 'Update', 'Delete'].map(op => t[op]?.TableName))
  return [...new Set(names.filter((n): n is string => typeof n === 'string'))]
}

/** calls `written(tables)` after each successful write through this client (undefined: any table) */
export function signalWrites (client: DynamoDBClient | DynamoDBDocumentClient, written: (tables: string[] | undefined) => void): void {
  client.middlewareStack.add((next, context) => async args => {
    const out = await next(args)
    const tables = writtenTables(context.commandName ?? '', args.input as Input)
    if (!tables || tables.length) written(tables)
    return out
  }, { step: 'initialize', name: 'signalWrites' })
}
