// One table, several small item kinds, each keyed so that no read scans:
//   num#<phoneHash>          the number's history (status, records-since, changes of holder)
//   evt#<eventKey>           an event already recorded: keyed hashes of its id and content (idempotency)
//   rel#<seq>#<phone>#<eff>  one released number and its effective time, filed under the China day we recorded it (feedDay) and
//                            ordered by recordedSeq (recorded ms × 1000 + a random tie-breaker): the
//                            platforms' feed, 30 days; a page of it is one Query on the byRecorded index
//   quota#<enterprise>#<day> numbers an enterprise checked that China day (its daily quota), 2 days
// (the signed routes' replay marks, rate buckets and audit are in CallerLedger: caller-store.ts)
// Release notices are in NumberNotices, in its due index while PENDING (due-index.ts).
import { randomInt } from 'node:crypto'
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb'
import type { LifecycleStore, NewNotice, NoticeRecord, RecordedEvent, ReleasedEntry } from '#ports'
import { RELEASED_FEED_INDEX } from '#infra-shared/tables'
import { chinaDate } from '#domain/china-time'
import { LIFECYCLE_POLICY, type NumberHistory } from '#domain/number-history'
import { cancelledConditions, isConditionFailure, seconds, type Doc, type TableNames } from './client'
import { dueAttributes, dueKeys, REMOVE_DUE } from './due-index'

const DAY_S = 24 * 3600
const EVENT_RETENTION_S = 400 * DAY_S

const numKey = (phoneHash: string) => `num#${phoneHash}`
/** recorded ms × 1000 + 0…999: ordered as received; equal values (same ms, same draw) are paged together */
const recordedSeq = (now: number) => now * 1000 + randomInt(1000)

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

  async recordEvent (e: RecordedEvent, now: number): Promise<{ recorded: NumberHistory } | 'EVENT_EXISTS' | 'MOVED'> {
    const recorded = { ...e.next, version: (e.previous ? versionOf(e.previous) : 0) + 1 }
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.table,
          Item: { pk: `evt#${e.eventKey}`, content: e.eventContent, at: now, expiresAt: seconds(now) + EVENT_RETENTION_S },
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
      const seq = recordedSeq(now)
      items.push({
        Put: {
          TableName: this.table,
          // number and effective time are in the key because the index copies keys only: one Query serves
          // a page. The number is the feed's very content (published to the platforms), kept 30 days
          Item: {
            pk: `rel#${seq}#${e.released.phone}#${e.released.effectiveAt}`,
            feedDay: chinaDate(now),
            recordedSeq: seq,
            effectiveAt: e.released.effectiveAt,
            expiresAt: seconds(now) + LIFECYCLE_POLICY.releasedFeedDays * DAY_S
          }
        }
      })
    }
    for (const n of e.notices ?? []) {
      items.push({ Put: { TableName: this.tables.notices, Item: noticeItem(n, now), ConditionExpression: 'attribute_not_exists(pk)' } })
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
    } catch (err) {
      const failed = cancelledConditions(err)
      if (!failed) throw err
      return failed.has(0) ? 'EVENT_EXISTS' : 'MOVED'
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

  async eventContent (eventKey: string, now: number): Promise<string | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `evt#${eventKey}` }, ConsistentRead: true }))
    return Item !== undefined && Item.expiresAt > seconds(now) ? String(Item.content ?? '') : undefined
  }

  async releasedPage (day: string, after: number, upTo: number, limit: number): Promise<{ entries: ReleasedEntry[], more: boolean }> {
    if (upTo <= after) return { entries: [], more: false }
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table,
      IndexName: RELEASED_FEED_INDEX,
      KeyConditionExpression: 'feedDay = :d AND recordedSeq BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':d': day, ':from': after + 1, ':to': upTo },
      Limit: limit
    }))
    const entries = (out.Items ?? []).map(item => {
      const [, seq, phone, effectiveAt] = String(item.pk).split('#')
      return { seq: Number(seq), phone: phone!, effectiveAt: Number(effectiveAt) }
    })
    return { entries, more: out.LastEvaluatedKey !== undefined }
  }

  async countNumbers (enterpriseId: string, day: string, count: number, quota: number, now: number): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: { pk: `quota#${enterpriseId}#${day}` },
        UpdateExpression: 'ADD used :n SET expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
        ExpressionAttributeValues: { ':n': count, ':room': quota - count, ':exp': seconds(now) + 2 * DAY_S }
      }))
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }

  async notices (noticeId: string, enterpriseIds: readonly string[]): Promise<NoticeRecord[]> {
    if (!enterpriseIds.length) return []
    const keys = enterpriseIds.map(id => ({ pk: noticeKey(noticeId, id) }))
    const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tables.notices]: { Keys: keys, ConsistentRead: true } } }))
    return (out.Responses?.[this.tables.notices] ?? []).map(toNotice)
  }

  async notice (noticeId: string, enterpriseId: string): Promise<NoticeRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.notices, Key: { pk: noticeKey(noticeId, enterpriseId) }, ConsistentRead: true }))
    return Item && toNotice(Item)
  }

  async settleNotice (noticeId: string, enterpriseId: string, outcome: 'DELIVERED' | 'UNDELIVERED', now: number): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tables.notices,
        Key: { pk: noticeKey(noticeId, enterpriseId) },
        UpdateExpression: `SET #s = :to, settledAt = :now REMOVE phone, ${REMOVE_DUE}`,
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':to': outcome, ':now': now, ':pending': 'PENDING' }
      }))
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }

  async confirmNotice (noticeId: string, enterpriseId: string, counts: { bindingsRemoved: number, bindingsFrozen: number }, now: number): Promise<NoticeRecord['status'] | undefined> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tables.notices,
        Key: { pk: noticeKey(noticeId, enterpriseId) },
        // a confirmation may overtake the delivery's own bookkeeping: from any state, once
        UpdateExpression: `SET #s = :confirmed, confirmedAt = :now, bindingsRemoved = :r, bindingsFrozen = :f REMOVE phone, ${REMOVE_DUE}`,
        ConditionExpression: 'attribute_exists(pk) AND #s <> :confirmed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':now': now, ':r': counts.bindingsRemoved, ':f': counts.bindingsFrozen }
      }))
      return 'CONFIRMED'
    } catch (err) {
      if (!isConditionFailure(err)) throw err
      return (await this.notice(noticeId, enterpriseId))?.status
    }
  }

  async pendingNotices (): Promise<{ noticeId: string, enterpriseId: string }[]> {
    const found: { noticeId: string, enterpriseId: string }[] = []
    // every PENDING notice is due from its creation on; the index holds nothing else
    for await (const { pk } of dueKeys(this.doc, { table: this.tables.notices, before: Number.MAX_SAFE_INTEGER })) {
      // the key is noticeId#enterpriseId, and an enterprise id holds no '#'
      const cut = pk.lastIndexOf('#')
      found.push({ noticeId: pk.slice(0, cut), enterpriseId: pk.slice(cut + 1) })
    }
    return found
  }
}

function versionOf (h: NumberHistory): number {
  return (h as NumberHistory & { version?: number }).version ?? 0
}

function toHistory (item: Record<string, NativeAttributeValue>): NumberHistory {
  const { pk: _pk, ...rest } = item
  return rest as NumberHistory
}

const NOTICE_RETENTION_S = 180 * DAY_S
export const noticeKey = (noticeId: string, enterpriseId: string) => `${noticeId}#${enterpriseId}`

export function noticeItem (n: NewNotice, now: number): Record<string, unknown> {
  return {
    pk: noticeKey(n.noticeId, n.enterpriseId),
    noticeId: n.noticeId,
    enterpriseId: n.enterpriseId,
    phone: n.phone,
    event: n.event,
    effectiveAt: n.effectiveAt,
    deadline: n.deadline,
    status: 'PENDING',
    createdAt: now,
    expiresAt: seconds(now) + NOTICE_RETENTION_S,
    // in the sweep's due index while PENDING (it holds the clear number)
    ...dueAttributes(noticeKey(n.noticeId, n.enterpriseId), now)
  }
}

export function toNotice (item: Record<string, NativeAttributeValue>): NoticeRecord {
  return {
    noticeId: item.noticeId,
    enterpriseId: item.enterpriseId,
    status: item.status,
    deadline: item.deadline,
    createdAt: item.createdAt,
    event: item.event,
    effectiveAt: item.effectiveAt,
    ...(item.phone && { phone: item.phone })
  }
}
