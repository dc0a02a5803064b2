// The SMS outbox: PENDING → SENDING → SENT | FAILED. Recipient and text are dropped once the
// message has left (the text of a code SMS holds the code).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { maskPhone } from '#contract/index'
import { POLICY } from '#domain/policy'
import type { OutboxMessage, OutboxStore } from '#ports'
import { scanAll, seconds, updateIf, type Doc, type TableNames } from './client'

const DAY_S = 24 * 3600

export function outboxItem (sms: OutboxMessage, now: number) {
  return {
    pk: sms.id,
    kind: sms.kind,
    to: sms.to,
    maskedTo: maskPhone(sms.to),
    text: sms.text,
    queryId: sms.queryId,
    status: 'PENDING',
    tries: 0,
    createdAt: now,
    expiresAt: seconds(now) + POLICY.sms.unsentRetentionDays * DAY_S
  }
}

export class DynamoOutboxStore implements OutboxStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async claim (id: string, now: number): Promise<OutboxMessage | undefined> {
    const a = await updateIf(this.doc, {
      TableName: this.tables.outbox,
      Key: { pk: id },
      UpdateExpression: 'SET #s = :sending, claimedAt = :now ADD tries :one',
      // SENDING stays claimable: a crash after the provider accepted is re-sent under the same idempotency key
      ConditionExpression: '#s IN (:pending, :sending) AND attribute_exists(#to) AND expiresAt > :nowS',
      ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
      ExpressionAttributeValues: { ':sending': 'SENDING', ':pending': 'PENDING', ':now': now, ':nowS': seconds(now), ':one': 1 }
    })
    return a && { id, kind: a.kind, to: a.to, text: a.text, queryId: a.queryId }
  }

  markSent (message: OutboxMessage, providerMessageId: string, now: number): Promise<void> {
    return this.finish(message, 'SENT', now, providerMessageId)
  }

  markFailed (message: OutboxMessage, now: number): Promise<void> {
    return this.finish(message, 'FAILED', now)
  }

  async failStuck (before: number, now: number): Promise<number> {
    let ended = 0
    const found = scanAll(this.doc, {
      TableName: this.tables.outbox,
      ProjectionExpression: 'pk, queryId',
      FilterExpression: 'attribute_exists(#to) AND createdAt < :before',
      ExpressionAttributeNames: { '#to': 'to' },
      ExpressionAttributeValues: { ':before': before }
    })
    for await (const { pk, queryId } of found) {
      // the clear data goes first and alone: it must go even if the query's update cannot be made
      const done = await updateIf(this.doc, {
        TableName: this.tables.outbox,
        Key: { pk },
        UpdateExpression: 'SET #s = :failed, finishedAt = :now, expiresAt = :exp REMOVE #to, #text',
        ConditionExpression: 'attribute_exists(#to) AND createdAt < :before AND #s IN (:pending, :sending)',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to', '#text': 'text' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED', ':now': now, ':before': before, ':pending': 'PENDING', ':sending': 'SENDING',
          ':exp': seconds(now) + POLICY.sms.retentionDays * DAY_S
        }
      })
      if (!done) continue
      ended++
      if (queryId) {
        await updateIf(this.doc, {
          TableName: this.tables.queries,
          Key: { pk: queryId },
          UpdateExpression: 'SET #s = :failed, failedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND #s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':now': now, ':processing': 'PROCESSING' }
        })
      }
    }
    return ended
  }

  private async finish (message: OutboxMessage, status: 'SENT' | 'FAILED', now: number, providerMessageId?: string): Promise<void> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [{
      Update: {
        TableName: this.tables.outbox,
        Key: { pk: message.id },
        UpdateExpression: `SET #s = :status, finishedAt = :now, expiresAt = :exp${providerMessageId === undefined ? '' : ', providerMessageId = :pid'} REMOVE #to, #text`,
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to', '#text': 'text' },
        ExpressionAttributeValues: {
          ':status': status, ':now': now, ':sending': 'SENDING', ':exp': seconds(now) + POLICY.sms.retentionDays * DAY_S,
          ...(providerMessageId !== undefined && { ':pid': providerMessageId })
        }
      }
    }]
    if (message.queryId) {
      items.push({
        Update: {
          TableName: this.tables.queries,
          Key: { pk: message.queryId },
          UpdateExpression: `SET #s = :status, ${status === 'SENT' ? 'sentAt' : 'failedAt'} = :now`,
          ConditionExpression: 'attribute_exists(pk) AND #s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':processing': 'PROCESSING' }
        }
      })
    }
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
  }
}
