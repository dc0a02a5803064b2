// Result codes on DynamoDB: an item in the VerificationCodes table (codes, hashed, short-lived, no
// stream: writing one starts nothing), keyed by the code's keyed hash, naming its query. The counts
// stay on the query item alone; a lookup reads the code item, then the query's results.
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import type { NewResultCode, QueryResults, ResultCodeMatch, ResultCodeStore } from '#ports'
import { seconds, type Doc, type TableNames } from './client'

const resultCodePk = (codeHash: string) => `result#${codeHash}`

/** the item DynamoQueryStore.complete() writes in the transaction that completes the query */
export function resultCodeItem (code: NewResultCode, queryId: string, now: number): Record<string, unknown> {
  return { pk: resultCodePk(code.codeHash), queryId, createdAt: now, validUntil: code.expiresAt, expiresAt: seconds(code.expiresAt) }
}

export class DynamoResultCodeStore implements ResultCodeStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async find (codeHash: string, now: number): Promise<ResultCodeMatch | undefined> {
    const { Item: code } = await this.doc.send(new GetCommand({ TableName: this.tables.codes, Key: { pk: resultCodePk(codeHash) } }))
    // TTL deletion is late (and never happens in emulators): the code's own deadline decides
    if (!code || typeof code.validUntil !== 'number' || code.validUntil <= now) return undefined
    const { Item: query } = await this.doc.send(new GetCommand({
      TableName: this.tables.queries,
      Key: { pk: code.queryId },
      ProjectionExpression: 'results, expiresAt'
    }))
    if (!query?.results || query.expiresAt <= seconds(now)) return undefined
    return { queryId: code.queryId as string, results: query.results as QueryResults }
  }
}
