// Creates the tables from the shared definitions (the same ones the CDK stack deploys).
import {
  CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTimeToLiveCommand, type DynamoDBClient
} from '@aws-sdk/client-dynamodb'
import { TABLES, type TableDefinition } from '#infra-shared/tables'

/** Environment variables naming each table (prefix keeps parallel test files apart). */
export function tableEnv (prefix = ''): Record<string, string> {
  return Object.fromEntries(Object.values(TABLES).map(t => [t.envVar, `${prefix}${t.name}`]))
}

/**
 * `streams: false` creates the tables without their streams, for benches that measure what a table's
 * own history costs: DynamoDB Local keeps every stream record of every table in one SQLite table and
 * walks it on each write to a stream-enabled table, a cost real DynamoDB does not have.
 * TTL stays off locally: this DynamoDB Local does delete expired items, and the local clock may be
 * moved (YZT_NOW, tests), so it would delete live items. Expiry is checked in code in any case.
 */
export async function createTables (client: DynamoDBClient, prefix = '', { ttl = false, streams = true } = {}): Promise<Record<string, string>> {
  const env = tableEnv(prefix)
  await Promise.all(Object.values(TABLES).map(async table => {
    const TableName = env[table.envVar]!
    const indexes: TableDefinition['indexes'] & {} = 'indexes' in table ? table.indexes : []
    try {
      await client.send(new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          ...[table.partitionKey, ...indexes.map(i => i.partitionKey)].map(AttributeName => ({ AttributeName, AttributeType: 'S' as const })),
          // index sort keys are times: numbers
          ...indexes.flatMap(i => i.sortKey ? [{ AttributeName: i.sortKey, AttributeType: 'N' as const }] : [])
        ],
        KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' }],
        ...(indexes.length > 0 && {
          GlobalSecondaryIndexes: indexes.map(i => ({
            IndexName: i.name,
            KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' as const }, ...(i.sortKey ? [{ AttributeName: i.sortKey, KeyType: 'RANGE' as const }] : [])],
            Projection: { ProjectionType: 'KEYS_ONLY' }
          }))
        }),
        ...(streams && 'stream' in table && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } })
      }))
      if (ttl && 'ttlAttribute' in table) {
        await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute } }))
      }
    } catch (err) {
      // --data keeps tables between runs
      if (!(err instanceof ResourceInUseException)) throw err
    }
  }))
  return env
}

export async function streamArn (client: DynamoDBClient, tableNameValue: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableNameValue }))
  if (!Table?.LatestStreamArn) throw new Error(`${tableNameValue} has no stream`)
  return Table.LatestStreamArn
}
