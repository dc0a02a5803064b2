// Binding alerts on DynamoDB. AlertSubscriptions holds, all keyed by hashes: the subscription
// (`sub#{phoneHash}`, listing its rows), one row per enterprise (`row#{enterpriseId}#{hmac}`, in the
// sparse by-enterprise index that the paged sync reads) and the number's alert state
// (`state#{phoneHash}`: SMS sent on a China day, events held, a version). BindingEvents holds the
// reported bindings of subscribed numbers: an INSERT starts the alert (the record is the message).
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput, type BatchWriteCommandOutput, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { SUBSCRIPTIONS_BY_ENTERPRISE_INDEX } from '#infra-shared/tables'
import type {
  AlertState, AlertStore, AlertToggle, AlertWrite, OutboxMessage, StoredBindingEvent, SubscriptionCursor, SubscriptionRow
} from '#ports'
import { isConditionFailure, seconds, type Doc, type TableNames } from './client'
import { limitPk, transact, type NamedItem } from './limit-logs'
import { outboxItem } from './outbox-store'
import { dueKeys, dueShard, REMOVE_DUE } from './due-index'

const DAY_S = 24 * 3600
/** an event id is remembered (hashes and app only, once sent) for 30 days: a repeat within them is a duplicate */
const EVENT_RETENTION_DAYS = 30
/** a day's alert state outlives its day by one (the cap is per China day) */
const STATE_RETENTION_DAYS = 2
/** a transaction holds 100 items: the rest of a long row list goes in batches after it */
const ROWS_IN_TRANSACTION = 90

const subPk = (phoneHash: string) => `sub#${phoneHash}`
const statePk = (phoneHash: string) => `state#${phoneHash}`
const rowPk = (r: SubscriptionRow) => `row#${r.enterpriseId}#${r.hmac}`

export class DynamoAlertStore implements AlertStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  private get subs () { return this.tables.alertSubscriptions }

  private async rowsOf (phoneHash: string): Promise<string[] | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.subs, Key: { pk: subPk(phoneHash) }, ConsistentRead: true, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'rows' } }))
    return Item ? (Item.rows as string[] | undefined) ?? [] : undefined
  }

  private proofItems (input: AlertToggle): NamedItem[] {
    return [
      {
        name: 'code',
        item: {
          Delete: {
            TableName: this.tables.codes,
            Key: { pk: input.phoneHash },
            ConditionExpression: 'codeHash = :h AND expiresAt > :nowS',
            ExpressionAttributeValues: { ':h': input.codeHash, ':nowS': seconds(input.now) }
          }
        }
      },
      ...input.clears.map(c => ({ name: `clear:${c.spec.name}`, item: { Delete: { TableName: this.tables.limits, Key: { pk: limitPk(c) } } } })),
      { name: 'sms', item: { Put: { TableName: this.tables.outbox, Item: outboxItem(input.sms, input.now), ConditionExpression: 'attribute_not_exists(pk)' } } }
    ]
  }

  async subscribe (input: AlertToggle & { rows: SubscriptionRow[] }): Promise<'ok' | 'CODE'> {
    const earlier = await this.rowsOf(input.phoneHash)
    const keys = input.rows.map(rowPk)
    const stale = (earlier ?? []).filter(k => !keys.includes(k))
    const puts = input.rows.map((r, i) => ({ pk: keys[i]!, enterpriseId: r.enterpriseId, hmac: r.hmac, since: input.now }))
    const first = puts.slice(0, ROWS_IN_TRANSACTION)
    const outcome = await transact(this.doc, [
      ...this.proofItems(input),
      { name: 'sub', item: { Put: { TableName: this.subs, Item: { pk: subPk(input.phoneHash), since: input.now, rows: keys } } } },
      ...first.map(Item => ({ name: `row:${Item.pk}`, item: { Put: { TableName: this.subs, Item } } })),
      ...stale.slice(0, Math.max(0, ROWS_IN_TRANSACTION - first.length)).map(pk => ({ name: `stale:${pk}`, item: { Delete: { TableName: this.subs, Key: { pk } } } }))
    ])
    if (!outcome.ok) {
      if (outcome.failed.has('code')) return 'CODE'
      throw new Error('subscription write contended')
    }
    // only with very many enterprises: the rows that did not fit the transaction (idempotent writes)
    await this.batchWrite([
      ...puts.slice(ROWS_IN_TRANSACTION).map(Item => ({ PutRequest: { Item } })),
      ...stale.slice(Math.max(0, ROWS_IN_TRANSACTION - first.length)).map(pk => ({ DeleteRequest: { Key: { pk } } }))
    ])
    return 'ok'
  }

  async unsubscribe (input: AlertToggle): Promise<'ok' | 'CODE'> {
    const rows = await this.rowsOf(input.phoneHash) ?? []
    const outcome = await transact(this.doc, [
      ...this.proofItems(input),
      ...this.endItems(input.phoneHash, rows.slice(0, ROWS_IN_TRANSACTION))
    ])
    if (!outcome.ok) {
      if (outcome.failed.has('code')) return 'CODE'
      throw new Error('subscription write contended')
    }
    await this.batchWrite(rows.slice(ROWS_IN_TRANSACTION).map(pk => ({ DeleteRequest: { Key: { pk } } })))
    return 'ok'
  }

  async end (phoneHash: string): Promise<boolean> {
    const rows = await this.rowsOf(phoneHash)
    if (rows === undefined) return false
    const outcome = await transact(this.doc, this.endItems(phoneHash, rows.slice(0, ROWS_IN_TRANSACTION)))
    if (!outcome.ok && !outcome.failed.size) throw new Error('subscription write contended')
    await this.batchWrite(rows.slice(ROWS_IN_TRANSACTION).map(pk => ({ DeleteRequest: { Key: { pk } } })))
    return outcome.ok
  }

  private endItems (phoneHash: string, rows: readonly string[]): NamedItem[] {
    return [
      { name: 'sub', item: { Delete: { TableName: this.subs, Key: { pk: subPk(phoneHash) } } } },
      { name: 'state', item: { Delete: { TableName: this.subs, Key: { pk: statePk(phoneHash) } } } },
      ...rows.map(pk => ({ name: `row:${pk}`, item: { Delete: { TableName: this.subs, Key: { pk } } } }))
    ]
  }

  private async batchWrite (requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: typeof requests | undefined = requests.slice(i, i + 25)
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt > 8) throw new Error('batch write: unprocessed items remain')
        const out: BatchWriteCommandOutput = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.subs]: pending } }))
        pending = out.UnprocessedItems?.[this.subs]
        if (pending?.length) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** attempt))
      }
    }
  }

  private async batchGet (table: string, keys: readonly string[], projection?: string): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = []
    await Promise.all(chunks([...new Set(keys)], 100).map(async chunk => {
      let pending: { pk: string }[] | undefined = chunk.map(pk => ({ pk }))
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt > 8) throw new Error('batch get: unprocessed keys remain')
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({
          RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...(projection && { ProjectionExpression: projection }) } }
        }))
        found.push(...out.Responses?.[table] ?? [])
        pending = out.UnprocessedKeys?.[table]?.Keys as { pk: string }[] | undefined
        if (pending?.length) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** attempt))
      }
    }))
    return found
  }

  async subscribedSince (phoneHashes: readonly string[]): Promise<Map<string, number>> {
    const items = await this.batchGet(this.subs, phoneHashes.map(subPk), 'pk, since')
    return new Map(items.map(i => [(i.pk as string).slice(4), i.since as number]))
  }

  async putEvent (event: StoredBindingEvent, now: number): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tables.bindingEvents,
        Item: { ...eventItem(event), createdAt: now, expiresAt: seconds(now) + EVENT_RETENTION_DAYS * DAY_S },
        ConditionExpression: 'attribute_not_exists(pk)'
      }))
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }

  async page (enterpriseId: string, after: SubscriptionCursor | undefined, limit: number) {
    const { Items = [], LastEvaluatedKey } = await this.doc.send(new QueryCommand({
      TableName: this.subs,
      IndexName: SUBSCRIPTIONS_BY_ENTERPRISE_INDEX,
      KeyConditionExpression: 'enterpriseId = :e',
      ExpressionAttributeValues: { ':e': enterpriseId },
      Limit: limit,
      // the cursor is rebuilt under the caller's own enterprise: it cannot reach another's partition
      ...(after && { ExclusiveStartKey: { pk: rowPk({ enterpriseId, hmac: after.hmac }), enterpriseId, since: after.since } })
    }))
    // the index is keys only: the HMAC is the row key's last part
    const rows = Items.map(i => ({ hmac: (i.pk as string).split('#')[2]!, since: i.since as number }))
    return { rows, ...(LastEvaluatedKey && rows.length && { next: rows.at(-1)! }) }
  }

  async alertContext (eventKey: string) {
    const phoneHash = eventKey.split('#')[1] ?? ''
    const out = await this.doc.send(new BatchGetCommand({
      RequestItems: {
        [this.tables.bindingEvents]: { Keys: [{ pk: eventKey }], ConsistentRead: true },
        [this.subs]: { Keys: [{ pk: statePk(phoneHash) }], ConsistentRead: true }
      }
    }))
    // two keys are far below what a BatchGet may leave unprocessed; a throttled read fails the record (retried)
    if (Object.keys(out.UnprocessedKeys ?? {}).length) throw new Error('alert context: unprocessed keys')
    const event = out.Responses?.[this.tables.bindingEvents]?.[0]
    if (!event) return undefined
    const state = out.Responses?.[this.subs]?.[0]
    return { event: fromEventItem(event), state: state && fromState(state) }
  }

  async alertStates (phoneHashes: readonly string[]): Promise<Map<string, AlertState>> {
    const items = await this.batchGet(this.subs, phoneHashes.map(statePk))
    return new Map(items.map(i => [(i.pk as string).slice(6), fromState(i)]))
  }

  async sendAlert (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, sms: OutboxMessage, now: number }): Promise<AlertWrite> {
    return this.writeAlert(input, [
      ...input.events.map(e => ({
        name: `event:${e.key}`,
        item: {
          Update: {
            TableName: this.tables.bindingEvents,
            Key: { pk: e.key },
            UpdateExpression: `SET #s = :sent, sentAt = :now REMOVE phoneSealed, ${REMOVE_DUE}`,
            ConditionExpression: '#s = :was',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sent': 'SENT', ':now': input.now, ':was': e.status }
          }
        }
      })),
      { name: 'sms', item: { Put: { TableName: this.tables.outbox, Item: outboxItem(input.sms, input.now), ConditionExpression: 'attribute_not_exists(pk)' } } }
    ])
  }

  async hold (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, until: number, now: number }): Promise<AlertWrite> {
    return this.writeAlert(input, input.events.map(e => ({
      name: `event:${e.key}`,
      item: {
        Update: {
          TableName: this.tables.bindingEvents,
          Key: { pk: e.key },
          UpdateExpression: 'SET #s = :held, dueShard = :shard, dueAt = :until',
          ConditionExpression: '#s = :was',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':held': 'HELD', ':shard': dueShard(e.key), ':until': input.until, ':was': e.status }
        }
      }
    })))
  }

  /** the state at its version, the subscription still there, and `items`: one transaction */
  private async writeAlert (input: { phoneHash: string, state: AlertState, expectedVersion: number | undefined, now: number }, items: NamedItem[]): Promise<AlertWrite> {
    const { day, sent, held, version } = input.state
    const outcome = await transact(this.doc, [
      {
        name: 'subscribed',
        item: { ConditionCheck: { TableName: this.subs, Key: { pk: subPk(input.phoneHash) }, ConditionExpression: 'attribute_exists(pk)' } }
      },
      {
        name: 'state',
        item: {
          Put: {
            TableName: this.subs,
            Item: { pk: statePk(input.phoneHash), day, sent, held, v: version, expiresAt: seconds(input.now) + STATE_RETENTION_DAYS * DAY_S },
            ConditionExpression: input.expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'v = :v',
            ...(input.expectedVersion !== undefined && { ExpressionAttributeValues: { ':v': input.expectedVersion } })
          }
        }
      },
      ...items
    ])
    if (outcome.ok) return 'ok'
    if (outcome.failed.has('subscribed')) return 'unsubscribed'
    // another alert of this number moved the state, or an event moved on: read again and decide again
    return 'stale'
  }

  async drop (events: readonly StoredBindingEvent[]): Promise<void> {
    await Promise.all(events.map(async e => {
      try {
        await this.doc.send(new UpdateCommand({
          TableName: this.tables.bindingEvents,
          Key: { pk: e.key },
          UpdateExpression: `SET #s = :dropped REMOVE phoneSealed, ${REMOVE_DUE}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':dropped': 'DROPPED' }
        }))
      } catch (err) {
        if (!isConditionFailure(err)) throw err
      }
    }))
  }

  async dueEvents (now: number, limit: number): Promise<StoredBindingEvent[]> {
    // the same sharded due index as every sweep (due-index.ts): held alerts are spread like the rest
    const Items: { pk: string }[] = []
    for await (const due of dueKeys(this.doc, { table: this.tables.bindingEvents, before: now + 1 })) {
      Items.push(due)
      if (Items.length >= limit) break
    }
    // the index is keys only: the events themselves, read in batches
    const full = await this.batchGet(this.tables.bindingEvents, Items.map(i => i.pk as string))
    return full.map(fromEventItem).filter(e => e.status === 'HELD').sort((a, b) => a.boundAt - b.boundAt)
  }
}

function eventItem (e: StoredBindingEvent) {
  const { key, ...rest } = e
  return { pk: key, ...rest }
}

function fromEventItem (item: Record<string, unknown>): StoredBindingEvent {
  return {
    key: item.pk as string,
    phoneHash: item.phoneHash as string,
    enterpriseId: item.enterpriseId as string,
    appId: item.appId as string,
    boundAt: item.boundAt as number,
    phoneSealed: (item.phoneSealed as string | undefined) ?? '',
    status: item.status as StoredBindingEvent['status']
  }
}

function fromState (item: Record<string, unknown>): AlertState {
  return { day: item.day as string, sent: item.sent as number, held: item.held as number, version: item.v as number }
}

function chunks<T> (items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
