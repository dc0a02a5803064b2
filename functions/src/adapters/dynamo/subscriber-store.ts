import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { Subscriber, SubscriberStore } from '#ports'
import type { Doc, TableNames } from './client'

/** a Subscribers row as the domain sees it (also read inside a step's batched read: VerificationStore.snapshot) */
export function subscriberOf (phoneHash: string, row: Record<string, unknown>): Subscriber {
  return { phoneHash, idSuffixHash: row.idSuffixHash as string, status: row.status as Subscriber['status'] }
}

export class DynamoSubscriberStore implements SubscriberStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async get (phoneHash: string): Promise<Subscriber | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.subscribers, Key: { pk: phoneHash } }))
    return Item && subscriberOf(phoneHash, Item)
  }

  async put (s: Subscriber): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tables.subscribers,
      Item: { pk: s.phoneHash, idSuffixHash: s.idSuffixHash, status: s.status }
    }))
  }
}
