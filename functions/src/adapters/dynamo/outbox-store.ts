// The SMS outbox: PENDING → SENDING → SENT | FAILED. Recipient and text are dropped once the
// message has left (the text of a code SMS holds the code).
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { maskPhone } from '#contract/index'
import { POLICY } from '#domain/policy'
import type { ClaimedMessage, OutboxMessage, OutboxStore } from '#ports'
import { isConditionFailure, seconds, type Doc, type TableNames } from './client'

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

const NAMES = { '#s': 'status', '#to': 'to', '#text': 'text' }

export class DynamoOutboxStore implements OutboxStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async claim (id: string, now: number): Promise<ClaimedMessage | undefined> {
    try {
      const { Attributes: a } = await this.doc.send(new UpdateCommand({
        TableName: this.tables.outbox,
        Key: { pk: id },
        UpdateExpression: 'SET #s = :sending, claimedAt = :now ADD tries :one',
        // SENDING stays claimable: a crash after the provider accepted is re-sent under the same idempotency key
        ConditionExpression: '#s IN (:pending, :sending) AND attribute_exists(#to) AND expiresAt > :nowS',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
        ExpressionAttributeValues: { ':sending': 'SENDING', ':pending': 'PENDING', ':now': now, ':nowS': seconds(now), ':one': 1 },
        ReturnValues: 'ALL_NEW'
      }))
      if (!a) return undefined
      return { id, kind: a.kind, to: a.to, text: a.text, queryId: a.queryId, attempts: a.tries }
    } catch (err) {
      if (isConditionFailure(err)) return undefined
      throw err
    }
  }

  markSent (message: ClaimedMessage, providerMessageId: string, now: number): Promise<void> {
    return this.finish(message, 'SENT', now, { providerMessageId })
  }

  markFailed (message: ClaimedMessage, now: number): Promise<void> {
    return this.finish(message, 'FAILED', now, {})
  }

  private async finish (message: ClaimedMessage, status: 'SENT' | 'FAILED', now: number, extra: Record<string, string>): Promise<void> {
    const extraSet = Object.keys(extra).map(k => `, ${k} = :${k}`).join('')
    const extraValues = Object.fromEntries(Object.entries(extra).map(([k, v]) => [`:${k}`, v]))
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [{
      Update: {
        TableName: this.tables.outbox,
        Key: { pk: message.id },
        UpdateExpression: `SET #s = :status, finishedAt = :now, expiresAt = :exp${extraSet} REMOVE #to, #text`,
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':status': status, ':now': now, ':sending': 'SENDING', ':exp': seconds(now) + POLICY.sms.retentionDays * DAY_S, ...extraValues }
      }
    }]
    if (message.queryId) {
      items.push({
        Update: {
          TableName: this.tables.queries,
          Key: { pk: message.queryId },
          UpdateExpression: status === 'SENT' ? 'SET #s = :status, sentAt = :now' : 'SET #s = :status, failedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND #s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':processing': 'PROCESSING' }
        }
      })
    }
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
  }
}

