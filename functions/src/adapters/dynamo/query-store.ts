import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { NewResultCode, OutboxMessage, QueryRecord, QueryResults, QueryStore } from '#ports'
import { cancelledConditions, scanAll, seconds, updateIf, type Doc, type TableNames } from './client'
import { outboxItem } from './outbox-store'
import { resultCodeItem } from './result-code-store'

export class DynamoQueryStore implements QueryStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async get (queryId: string, now: number): Promise<QueryRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.queries, Key: { pk: queryId } }))
    // TTL deletion is late (and never happens in emulators): an expired query does not exist
    if (!Item || Item.expiresAt <= seconds(now)) return undefined
    return {
      queryId,
      maskedPhone: Item.maskedPhone,
      status: Item.status,
      acceptedAt: Item.acceptedAt,
      sentAt: Item.sentAt
    }
  }

  async claim (queryId: string, now: number): Promise<string | undefined> {
    const item = await updateIf(this.doc, {
      TableName: this.tables.queries,
      Key: { pk: queryId },
      UpdateExpression: 'SET #s = :processing, claimedAt = :now',
      ConditionExpression: '#s IN (:accepted, :processing) AND attribute_exists(recipient) AND expiresAt > :nowS',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':processing': 'PROCESSING', ':accepted': 'ACCEPTED', ':now': now, ':nowS': seconds(now) }
    })
    return item?.recipient as string | undefined
  }

  async complete (queryId: string, results: QueryResults, sms: OutboxMessage, now: number, resultCode?: NewResultCode): Promise<boolean> {
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tables.queries,
              Key: { pk: queryId },
              UpdateExpression: 'SET results = :r, processedAt = :now REMOVE recipient',
              ConditionExpression: '#s = :processing AND attribute_exists(recipient)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':r': results, ':now': now, ':processing': 'PROCESSING' }
            }
          },
          { Put: { TableName: this.tables.outbox, Item: outboxItem(sms, now), ConditionExpression: 'attribute_not_exists(pk)' } },
          // the summary form's code: one more item of this transaction, no request of its own
          ...(resultCode ? [{ Put: { TableName: this.tables.codes, Item: resultCodeItem(resultCode, queryId, now) } }] : [])
        ]
      }))
      return true
    } catch (err) {
      if (cancelledConditions(err)) return false
      throw err
    }
  }

  async failStuck (before: number, now: number): Promise<number> {
    let ended = 0
    const found = scanAll(this.doc, {
      TableName: this.tables.queries,
      ProjectionExpression: 'pk',
      FilterExpression: 'attribute_exists(recipient) AND acceptedAt < :before',
      ExpressionAttributeValues: { ':before': before }
    })
    for await (const { pk } of found) {
      const done = await updateIf(this.doc, {
        TableName: this.tables.queries,
        Key: { pk },
        UpdateExpression: 'SET #s = :failed, failedAt = :now REMOVE recipient',
        // re-checked at write time: a query that finished meanwhile is left as it is
        ConditionExpression: 'attribute_exists(recipient) AND acceptedAt < :before AND #s IN (:accepted, :processing)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'FAILED', ':now': now, ':before': before, ':accepted': 'ACCEPTED', ':processing': 'PROCESSING' }
      })
      if (done) ended++
    }
    return ended
  }
}
