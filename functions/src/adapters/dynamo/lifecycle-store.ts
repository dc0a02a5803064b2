// One table, several small item kinds, each keyed so that no read scans:
//   num#<phoneHash>          the number's history (status, records-since, changes of holder)
//   evt#<carrier>#<eventId>  an event already recorded (idempotency per event id)
//   rel#<date>#<shard>       the numbers released that China day (the platforms' feed), 30 days
//   sig#<hash>               a request signature already used (replay refusal), minutes
//   bucket#<caller>          a caller's token bucket (rate limit)
//   audit#<enterprise>#<day> who called, when, with how many numbers (never which)
import { createHash } from 'node:crypto'
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEntry, LifecycleStore, RecordedEvent } from '#ports'
import { chinaDate, LIFECYCLE_POLICY, type NumberHistory } from '#domain/number-history'
import { MAX_SKEW_MS } from '#lib/signing'
import { cancelledConditions, isConditionFailure, seconds, type Doc, type TableNames } from './client'

const DAY_S = 24 * 3600
const EVENT_RETENTION_S = 400 * DAY_S
const AUDIT_RETENTION_S = 400 * DAY_S
/** the feed of one day is spread over this many items so a busy day stays far below 400 kB each */
export const RELEASED_SHARDS = 8

const numKey = (phoneHash: string) => `num#${phoneHash}`
const shardOf = (phone: string) => createHash('sha256').update(phone).digest()[0]! % RELEASED_SHARDS

export class DynamoLifecycleStore implements LifecycleStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  private get table (): string { return this.tables.lifecycle }

  async histories (phoneHashes: readonly string[]): Promise<Map<string, NumberHistory>> {
    const unique = [...new Set(phoneHashes)]
    const chunks: string[][] = []
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100))
    const found = new Map<string, NumberHistory>()
    await Promise.all(chunks.map(async chunk => {
      let keys: Record<string, unknown>[] = chunk.map(h => ({ pk: numKey(h) }))
      for (let attempt = 0; keys.length; attempt++) {
        if (attempt) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)))
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }))
        for (const item of out.Responses?.[this.table] ?? []) found.set(item.phoneHash, toHistory(item))
        keys = (out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? []
      }
    }))
    return found
  }

  async recordEvent (e: RecordedEvent, now: number): Promise<{ recorded: NumberHistory } | 'DUPLICATE' | 'CONFLICT'> {
    const recorded = { ...e.next, version: (e.previous ? versionOf(e.previous) : 0) + 1 }
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.table,
          Item: { pk: `evt#${e.carrierId}#${e.eventId}`, at: now, expiresAt: seconds(now) + EVENT_RETENTION_S },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowS',
          ExpressionAttributeValues: { ':nowS': seconds(now) }
        }
      },
      {
        Put: {
          TableName: this.table,
          Item: { pk: numKey(e.next.phoneHash), ...recorded },
          // optimistic: the history is written only over the version it was decided on
          ...(e.previous
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': versionOf(e.previous) } }
            : { ConditionExpression: 'attribute_not_exists(pk)' })
        }
      }
    ]
    if (e.released) {
      items.push({
        Update: {
          TableName: this.table,
          Key: { pk: `rel#${e.released.date}#${shardOf(e.released.phone)}` },
          UpdateExpression: 'ADD numbers :n SET expiresAt = :exp',
          ExpressionAttributeValues: { ':n': new Set([e.released.phone]), ':exp': seconds(now) + LIFECYCLE_POLICY.releasedFeedDays * DAY_S }
        }
      })
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
    } catch (err) {
      const failed = cancelledConditions(err)
      if (!failed) throw err
      return failed.has(0) ? 'DUPLICATE' : 'CONFLICT'
    }
    if (e.subscriber) await this.syncSubscriber(e.next.phoneHash, e.subscriber)
    return { recorded }
  }

  /** the carrier's real-name record follows its events; a number this table never held is left alone */
  private async syncSubscriber (phoneHash: string, s: NonNullable<RecordedEvent['subscriber']>): Promise<void> {
    if (s.idSuffixHash) {
      await this.doc.send(new PutCommand({ TableName: this.tables.subscribers, Item: { pk: phoneHash, idSuffixHash: s.idSuffixHash, status: s.status } }))
      return
    }
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tables.subscribers,
        Key: { pk: phoneHash },
        UpdateExpression: 'SET #s = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': s.status }
      }))
    } catch (err) {
      if (!isConditionFailure(err)) throw err
    }
  }

  async eventSeen (carrierId: string, eventId: string, now: number): Promise<boolean> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `evt#${carrierId}#${eventId}` }, ConsistentRead: true }))
    return Item !== undefined && Item.expiresAt > seconds(now)
  }

  async releasedOn (date: string, now: number): Promise<string[]> {
    const keys = Array.from({ length: RELEASED_SHARDS }, (_, i) => ({ pk: `rel#${date}#${i}` }))
    const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }))
    const numbers = (out.Responses?.[this.table] ?? [])
      .filter(item => item.expiresAt > seconds(now))
      .flatMap(item => [...(item.numbers as Set<string>)])
    return numbers.sort()
  }

  async firstUse (signature: string, now: number): Promise<boolean> {
    const pk = `sig#${createHash('sha256').update(signature).digest('base64url')}`
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table,
        // kept as long as a timestamp could still pass the skew check on either side
        Item: { pk, expiresAt: seconds(now + 2 * MAX_SKEW_MS) },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowS',
        ExpressionAttributeValues: { ':nowS': seconds(now) }
      }))
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }

  async takeToken (bucket: string, spec: { capacity: number, perSecond: number }, now: number): Promise<{ ok: true } | { ok: false, retryAfterSeconds: number }> {
    const pk = `bucket#${bucket}`
    for (let attempt = 0; attempt < 5; attempt++) {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }))
      const last = Item?.at as number | undefined
      const level = Item ? Math.min(spec.capacity, (Item.tokens as number) + (now - last!) / 1000 * spec.perSecond) : spec.capacity
      if (level < 1) return { ok: false, retryAfterSeconds: Math.ceil((1 - level) / spec.perSecond) }
      try {
        await this.doc.send(new PutCommand({
          TableName: this.table,
          Item: { pk, tokens: level - 1, at: now, expiresAt: seconds(now) + DAY_S },
          ...(Item
            ? { ConditionExpression: '#at = :last', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':last': last } }
            : { ConditionExpression: 'attribute_not_exists(pk)' })
        }))
        return { ok: true }
      } catch (err) {
        if (!isConditionFailure(err)) throw err
      }
    }
    return { ok: false, retryAfterSeconds: 1 }
  }

  async audit (enterpriseId: string, entry: AuditEntry): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: { pk: `audit#${enterpriseId}#${chinaDate(entry.at)}` },
      UpdateExpression: 'SET calls = list_append(if_not_exists(calls, :empty), :entry), expiresAt = :exp',
      ExpressionAttributeValues: { ':empty': [], ':entry': [entry], ':exp': seconds(entry.at) + AUDIT_RETENTION_S }
    }))
  }

  async auditOf (enterpriseId: string, date: string): Promise<AuditEntry[]> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `audit#${enterpriseId}#${date}` } }))
    return (Item?.calls as AuditEntry[] | undefined) ?? []
  }
}

function versionOf (h: NumberHistory): number {
  return (h as NumberHistory & { version?: number }).version ?? 0
}

function toHistory (item: Record<string, any>): NumberHistory {
  const { pk: _pk, ...rest } = item
  return rest as NumberHistory
}
