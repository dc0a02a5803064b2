// The SMS outbox: PENDING → SENDING → SENT | FAILED, then SENT → DELIVERED | UNDELIVERED on the
// provider's receipt. Recipient and parameters are dropped once the message has left (the parameters
// of a code SMS hold the code); the recipient's keyed hash stays to check receipts against.
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { maskPhone } from '#contract/index'
import { POLICY } from '#domain/policy'
import { PROVIDER_MESSAGE_INDEX } from '#infra-shared/tables'
import type { DeliveryReceipt, OutboxMessage, OutboxStore } from '#ports'
import { cancelledConditions, seconds, updateIf, type Doc, type TableNames } from './client'
import { dueAttributes, dueKeys, REMOVE_DUE } from './due-index'

const DAY_S = 24 * 3600

export function outboxItem (sms: OutboxMessage, now: number) {
  return {
    pk: sms.id,
    template: sms.template,
    params: sms.params,
    to: sms.to,
    maskedTo: maskPhone(sms.to),
    queryId: sms.queryId,
    status: 'PENDING',
    tries: 0,
    createdAt: now,
    expiresAt: seconds(now) + POLICY.sms.unsentRetentionDays * DAY_S,
    // in the sweep's due index until the message has left (or failed)
    ...dueAttributes(sms.id, now)
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
    return a && { id, template: a.template, params: a.params, to: a.to, queryId: a.queryId }
  }

  markSent (message: OutboxMessage, sent: { providerMessageId: string, recipientHash: string }, now: number): Promise<void> {
    return this.finish(message, 'SENT', now, sent)
  }

  markFailed (message: OutboxMessage, now: number): Promise<void> {
    return this.finish(message, 'FAILED', now)
  }

  async failStuck (before: number, now: number): Promise<number> {
    let ended = 0
    // the due index holds only messages still holding their recipient and text: sent ones are never read
    for await (const { pk } of dueKeys(this.doc, { table: this.tables.outbox, before })) {
      // the clear data goes first and alone: it must go even if the query's update cannot be made
      const done = await updateIf(this.doc, {
        TableName: this.tables.outbox,
        Key: { pk },
        UpdateExpression: `SET #s = :failed, finishedAt = :now, expiresAt = :exp REMOVE #to, params, ${REMOVE_DUE}`,
        ConditionExpression: 'attribute_exists(#to) AND createdAt < :before AND #s IN (:pending, :sending)',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED', ':now': now, ':before': before, ':pending': 'PENDING', ':sending': 'SENDING',
          ':exp': seconds(now) + POLICY.sms.retentionDays * DAY_S
        }
      })
      if (!done) continue
      ended++
      // the index carries keys only: the query id comes back with the write
      if (typeof done.queryId === 'string') {
        await updateIf(this.doc, {
          TableName: this.tables.queries,
          Key: { pk: done.queryId },
          UpdateExpression: 'SET #s = :failed, failedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND #s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':now': now, ':processing': 'PROCESSING' }
        })
      }
    }
    return ended
  }

  async messageIdFor (providerMessageId: string): Promise<string | undefined> {
    const { Items } = await this.doc.send(new QueryCommand({
      TableName: this.tables.outbox,
      IndexName: PROVIDER_MESSAGE_INDEX,
      KeyConditionExpression: 'providerMessageId = :pid',
      ExpressionAttributeValues: { ':pid': providerMessageId },
      Limit: 2
    }))
    // an id the provider gave twice is not one we can trust to name a message
    return Items?.length === 1 ? Items[0]!.pk as string : undefined
  }

  async markDelivery (receipt: DeliveryReceipt, now: number): Promise<boolean> {
    const status = receipt.delivered ? 'DELIVERED' : 'UNDELIVERED'
    const { queryId } = receipt
    // No read first: every check is in the write itself. A receipt raced by another one, naming
    // another number or send, or a query that is not the message's own, writes nothing.
    const message = {
      TableName: this.tables.outbox,
      Key: { pk: receipt.messageId },
      UpdateExpression: 'SET #s = :status, deliveredAt = :now',
      ConditionExpression: `#s = :sent AND providerMessageId = :pid AND recipientHash = :h AND ${queryId === undefined ? 'attribute_not_exists(queryId)' : 'queryId = :q'}`,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':status': status, ':now': now, ':sent': 'SENT', ':pid': receipt.providerMessageId, ':h': receipt.recipientHash,
        ...(queryId !== undefined && { ':q': queryId })
      }
    }
    if (queryId === undefined) return (await updateIf(this.doc, message)) !== undefined
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [{ Update: message }, {
          Update: {
            TableName: this.tables.queries,
            Key: { pk: queryId },
            UpdateExpression: 'SET #s = :status, deliveredAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND #s = :sent',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':status': status, ':now': now, ':sent': 'SENT' }
          }
        }]
      }))
      return true
    } catch (err) {
      if (cancelledConditions(err)) return false
      throw err
    }
  }

  private async finish (message: OutboxMessage, status: 'SENT' | 'FAILED', now: number, sent?: { providerMessageId: string, recipientHash: string }): Promise<void> {
    // an empty provider id is no id (and no index key DynamoDB would accept): receipts cannot match it
    const pid = sent?.providerMessageId || undefined
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [{
      Update: {
        TableName: this.tables.outbox,
        Key: { pk: message.id },
        UpdateExpression: `SET #s = :status, finishedAt = :now, expiresAt = :exp${sent === undefined ? '' : ', recipientHash = :h'}${pid === undefined ? '' : ', providerMessageId = :pid'} REMOVE #to, params, ${REMOVE_DUE}`,
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
        ExpressionAttributeValues: {
          ':status': status, ':now': now, ':sending': 'SENDING', ':exp': seconds(now) + POLICY.sms.retentionDays * DAY_S,
          ...(sent !== undefined && { ':h': sent.recipientHash }),
          ...(pid !== undefined && { ':pid': pid })
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
    // a message with no query (a code SMS) is one item: a plain conditional update, not a transaction
    if (items.length === 1) await this.doc.send(new UpdateCommand(items[0]!.Update!))
    else await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
  }
}
