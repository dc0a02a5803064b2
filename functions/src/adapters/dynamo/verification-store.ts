// Codes, limit logs and idempotency records on DynamoDB. Each rule is a condition inside the write
// that applies it, so concurrent requests cannot slip past a limit, and a refused transaction writes
// nothing. A step reads what it needs in one BatchGetItem (snapshot) and passes the logs it judged
// back to the write, which is conditioned on their versions: no log is read twice.
import type { LimitCheck, LimitName, Refusal } from '#domain/limits'
import { POLICY } from '#domain/policy'
import type { AcceptInput, IdempotencyRecord, IssueCodeInput, LimitLog, Limited, Snapshot, SnapshotRequest, VerificationStore } from '#ports'
import { batchRead, seconds, updateIf, type Doc, type TableNames } from './client'
import { countAndWrite, limitPk, logOf, readLogs, recordEvent, refusalsOf, type NamedItem } from './limit-logs'
import { dueAttributes } from './due-index'
import { outboxItem } from './outbox-store'
import { subscriberOf } from './subscriber-store'

const DAY_S = 24 * 3600
const idempotencyPk = (keyHash: string) => `idem#${keyHash}`

export class DynamoVerificationStore implements VerificationStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async snapshot (request: SnapshotRequest, now: number): Promise<Snapshot> {
    const { limits, subscriber, idempotencyKey } = request
    const limitKeys = [...limits.map(limitPk), ...(idempotencyKey === undefined ? [] : [idempotencyPk(idempotencyKey)])]
    const read = await batchRead(this.doc, {
      // the logs and the record decide who wins a race: strongly consistent
      [this.tables.limits]: { keys: limitKeys, consistent: true },
      ...(subscriber !== undefined && { [this.tables.subscribers]: { keys: [subscriber] } })
    })
    const limitItems = read[this.tables.limits]!
    const row = subscriber === undefined ? undefined : read[this.tables.subscribers]?.get(subscriber)
    const kept = idempotencyKey === undefined ? undefined : limitItems.get(idempotencyPk(idempotencyKey))
    return {
      logs: new Map(limits.map(c => [c.spec.name, logOf(limitItems.get(limitPk(c)))])),
      ...(row && { subscriber: subscriberOf(subscriber!, row) }),
      ...(kept && idempotencyKey !== undefined && { remembered: keptRecord(idempotencyKey, kept, now) })
    }
  }

  async check (limits: LimitCheck[], now: number): Promise<Refusal[]> {
    return refusalsOf(limits, await readLogs(this.doc, this.tables.limits, limits), now)
  }

  async take (limits: LimitCheck[], now: number, judged?: ReadonlyMap<LimitName, LimitLog>): Promise<Limited> {
    return countAndWrite<never>(this.doc, this.tables.limits, limits, now, () => [], () => undefined, { judged })
  }

  async record (limit: LimitCheck, now: number, judged?: ReadonlyMap<LimitName, LimitLog>): Promise<void> {
    await recordEvent(this.doc, this.tables.limits, limit, now, judged)
  }

  async issueCode (input: IssueCodeInput): Promise<Limited> {
    const { phoneHash, codeHash, now, sms, idempotency } = input
    const result = await countAndWrite(this.doc, this.tables.limits, input.limits, now, after => {
      const items: NamedItem[] = [{
        name: 'code',
        item: {
          Put: {
            TableName: this.tables.codes,
            // tries: per requester; total: over all requesters
            Item: { pk: phoneHash, codeHash, tries: {}, total: 0, createdAt: now, expiresAt: seconds(input.codeExpiresAt(after)) }
          }
        }
      }]
      if (sms) items.push({ name: 'sms', item: { Put: { TableName: this.tables.outbox, Item: outboxItem(sms, now), ConditionExpression: 'attribute_not_exists(pk)' } } })
      if (idempotency) items.push(this.rememberItem(idempotency, now))
      return items
    }, failed => failed.has('idempotency') ? 'IDEMPOTENCY' as const : undefined, { judged: input.judged })
    // a twin request under the same key won the race: the caller reads its record
    return result === 'IDEMPOTENCY' ? { ok: false, refusals: [{ name: 'CONTENDED', retryAt: now + 1000 }] } : result
  }

  async tryCode (phoneHash: string, requesterKey: string, now: number): Promise<string | undefined> {
    const item = await updateIf(this.doc, {
      TableName: this.tables.codes,
      Key: { pk: phoneHash },
      UpdateExpression: 'SET #t.#r = if_not_exists(#t.#r, :zero) + :one, #n = #n + :one',
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :nowS AND #n < :ceiling AND (attribute_not_exists(#t.#r) OR #t.#r < :max)',
      ExpressionAttributeNames: { '#t': 'tries', '#r': requesterKey, '#n': 'total' },
      ExpressionAttributeValues: {
        ':zero': 0, ':one': 1, ':max': POLICY.code.triesPerRequester, ':ceiling': POLICY.code.maxTries, ':nowS': seconds(now)
      }
    })
    return item?.codeHash as string | undefined
  }

  async accept ({ codeHash, query, now, limits, clears, idempotency, judged }: AcceptInput): Promise<Limited | { ok: false, failed: 'CODE' | 'IDEMPOTENCY' }> {
    const nowS = seconds(now)
    return countAndWrite(this.doc, this.tables.limits, limits, now, () => [
      {
        name: 'code',
        item: {
          Delete: {
            TableName: this.tables.codes,
            Key: { pk: query.phoneHash },
            ConditionExpression: 'codeHash = :h AND expiresAt > :nowS',
            ExpressionAttributeValues: { ':h': codeHash, ':nowS': nowS }
          }
        }
      },
      {
        name: 'query',
        item: {
          Put: {
            TableName: this.tables.queries,
            Item: {
              pk: query.queryId,
              phoneHash: query.phoneHash,
              maskedPhone: query.maskedPhone,
              recipient: query.recipient,
              status: 'ACCEPTED',
              acceptedAt: query.acceptedAt,
              expiresAt: nowS + POLICY.query.retentionDays * DAY_S,
              // in the sweep's due index while it holds the recipient
              ...dueAttributes(query.queryId, query.acceptedAt)
            },
            ConditionExpression: 'attribute_not_exists(pk)'
          }
        }
      },
      ...(idempotency ? [this.rememberItem(idempotency, now)] : [])
    ], failed => failed.has('code') ? { ok: false, failed: 'CODE' } as const
      : failed.has('idempotency') ? { ok: false, failed: 'IDEMPOTENCY' } as const
        : undefined, { judged, clears })
  }

  async remembered (keyHash: string, now: number): Promise<IdempotencyRecord | undefined> {
    const read = await batchRead(this.doc, { [this.tables.limits]: { keys: [idempotencyPk(keyHash)], consistent: true } })
    const item = read[this.tables.limits]!.get(idempotencyPk(keyHash))
    return item && keptRecord(keyHash, item, now)
  }

  private rememberItem (record: IdempotencyRecord, now: number): NamedItem {
    return rememberItem(this.tables.limits, record, now)
  }
}

/** a stored idempotency record while it lives (TTL deletes late) */
function keptRecord (keyHash: string, item: Record<string, unknown>, now: number): IdempotencyRecord | undefined {
  if ((item.expiresAt as number) <= seconds(now)) return undefined
  return { keyHash, fingerprint: item.fingerprint as string, answer: item.answer as Record<string, unknown> }
}

/** the answer kept under an idempotency key for an hour, in the transaction that gave it */
export function rememberItem (table: string, record: IdempotencyRecord, now: number): NamedItem {
  return {
    name: 'idempotency',
    item: {
      Put: {
        TableName: table,
        Item: { pk: idempotencyPk(record.keyHash), fingerprint: record.fingerprint, answer: record.answer, expiresAt: seconds(now) + POLICY.idempotency.ttlSeconds },
        // an expired record (TTL deletes late) may be replaced
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowS',
        ExpressionAttributeValues: { ':nowS': seconds(now) }
      }
    }
  }
}
