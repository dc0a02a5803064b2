// What the signed server-to-server routes keep per caller, in a table of its own (CallerLedger), so
// a function that only authenticates its callers is granted nothing of the number lifecycle:
//   sig#<hash>                         a request signature already used (replay refusal), minutes
//   bucket#<caller>                    a caller's token bucket (rate limit), a day
//   audit#<enterprise>#<date>#<seq>    one platform call: when, which route, how many numbers (never which), 400 days
// Every call is an item of its own (never a list growing inside one item, which DynamoDB's 400 KB
// item limit would cap at ~9,300 calls a day); a day is read back through the byAuditDay index.
import { createHash, randomBytes } from 'node:crypto'
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
import type { AuditEntry, AuditPage, CallerStore } from '#ports'
import { chinaDate } from '#domain/china-time'
import { AUDIT_DAY_INDEX } from '#infra-shared/tables'
import { MAX_SKEW_MS } from '#lib/signing'
import { isConditionFailure, seconds, type Doc, type TableNames } from './client'

const DAY_S = 24 * 3600
const AUDIT_RETENTION_S = 400 * DAY_S
/** an answer holds at most this many calls; the rest follow under `next` */
export const AUDIT_PAGE = 1000

/**
 * Order within one millisecond: calls of one container keep the order they were made in (a tie
 * between containers is a tie). at × 1,000 + a counter stays an exact integer until the year 2255.
 */
let sequence = 0
const orderOf = (at: number) => at * 1000 + (sequence++ % 1000)

/** what `next` carries: where the last page ended in the caller's own day (nothing else is read from it) */
const Cursor = z.object({ pk: z.string().regex(/^audit#[a-z0-9-]{1,32}#\d{4}-\d{2}-\d{2}#\d+#[0-9a-f]{8}$/), seq: z.number().int().nonnegative() })

export class DynamoCallerStore implements CallerStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  private get table (): string { return this.tables.callerLedger }

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
      // conditioned on the version read, not the time: two takers in the same millisecond read the
      // same level, and a time condition would let both spend the one token
      const version = (Item?.v as number | undefined) ?? 0
      try {
        await this.doc.send(new PutCommand({
          TableName: this.table,
          Item: { pk, tokens: level - 1, at: now, v: version + 1, expiresAt: seconds(now) + DAY_S },
          ...(Item
            ? { ConditionExpression: 'attribute_not_exists(v) AND #at = :last OR v = :v', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':last': last, ':v': version } }
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
    await this.doc.send(new PutCommand({ TableName: this.table, Item: auditItem(enterpriseId, entry) }))
  }

  async auditOf (enterpriseId: string, date: string, cursor?: string): Promise<AuditPage | undefined> {
    const start = cursor === undefined ? undefined : decodeCursor(cursor, `audit#${enterpriseId}#${date}#`)
    if (start === null) return undefined
    const auditDay = `${enterpriseId}#${date}`
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table,
      IndexName: AUDIT_DAY_INDEX,
      KeyConditionExpression: 'auditDay = :d',
      ExpressionAttributeValues: { ':d': auditDay },
      Limit: AUDIT_PAGE,
      ...(start && { ExclusiveStartKey: { pk: start.pk, auditDay, seq: start.seq } })
    }))
    const keys = (out.Items ?? []).map(i => i.pk as string)
    // the index holds keys only (no copy of anything else): the calls themselves, 100 a read
    const byPk = new Map<string, AuditEntry>()
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map(pk => ({ pk }))
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)))
        const got = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }))
        for (const item of got.Responses?.[this.table] ?? []) byPk.set(item.pk, { at: item.at, route: item.route, numbers: item.numbers })
        pending = (got.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? []
      }
    }
    const last = out.LastEvaluatedKey
    return {
      entries: keys.flatMap(pk => byPk.get(pk) ?? []),
      ...(last && { next: Buffer.from(JSON.stringify({ pk: last.pk, seq: last.seq })).toString('base64url') })
    }
  }
}

/** one call's audit item */
export function auditItem (enterpriseId: string, entry: AuditEntry): Record<string, string | number> {
  const date = chinaDate(entry.at)
  const seq = orderOf(entry.at)
  return {
    // the random tail keeps two containers' calls of the same millisecond apart
    pk: `audit#${enterpriseId}#${date}#${seq}#${randomBytes(4).toString('hex')}`,
    auditDay: `${enterpriseId}#${date}`,
    seq,
    at: entry.at,
    route: entry.route,
    numbers: entry.numbers,
    expiresAt: seconds(entry.at) + AUDIT_RETENTION_S
  }
}

/** the cursor's position, or null for one that is not a position in this caller's day (forged, another's) */
function decodeCursor (cursor: string, prefix: string): { pk: string, seq: number } | null {
  let raw: unknown
  try { raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) } catch { return null }
  const parsed = Cursor.safeParse(raw)
  return parsed.success && parsed.data.pk.startsWith(prefix) ? parsed.data : null
}
