// Codes, counters and locks on DynamoDB. Each rule is a condition inside the write that applies it,
// so concurrent requests cannot slip past a limit, and a refused transaction writes nothing.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { chinaDayKey, hourKey, nextChinaMidnight, nextHour } from '#domain/china-time'
import { POLICY } from '#domain/policy'
import type { IssueCodeInput, LimitHit, LimitName, NewQuery, VerificationStore } from '#ports'
import { cancelledConditions, seconds, updateIf, type Doc, type TableNames } from './client'
import { outboxItem } from './outbox-store'

const DAY_S = 24 * 3600

function counter (TableName: string, pk: string, max: number, expiresAt: number) {
  return {
    Update: {
      TableName,
      Key: { pk },
      UpdateExpression: 'ADD n :one SET expiresAt = :exp',
      ConditionExpression: 'attribute_not_exists(n) OR n < :max',
      ExpressionAttributeValues: { ':one': 1, ':max': max, ':exp': expiresAt }
    }
  }
}

export class DynamoVerificationStore implements VerificationStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async issueCode ({ phoneHash, ipHash, codeHash, now, sms }: IssueCodeInput): Promise<{ ok: true } | LimitHit> {
    const L = this.tables.limits
    const nowS = seconds(now)
    const limits: { name: LimitName, retryAt: (old?: Record<string, { N?: string }>) => number }[] = [
      { name: 'COOLDOWN', retryAt: old => Number(old?.nextAt?.N ?? now + POLICY.code.resendAfterSeconds * 1000) },
      { name: 'PHONE_HOURLY', retryAt: () => nextHour(now) },
      { name: 'PHONE_DAILY', retryAt: () => nextChinaMidnight(now) },
      { name: 'IP_HOURLY', retryAt: () => nextHour(now) }
    ]
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Update: {
          TableName: L,
          Key: { pk: `cooldown#${phoneHash}` },
          UpdateExpression: 'SET nextAt = :next, expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt <= :now',
          ExpressionAttributeValues: { ':next': now + POLICY.code.resendAfterSeconds * 1000, ':now': now, ':exp': nowS + 3600 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD'
        }
      },
      counter(L, `code-hour#${phoneHash}#${hourKey(now)}`, POLICY.code.perHour, nowS + 2 * 3600),
      counter(L, `code-day#${phoneHash}#${chinaDayKey(now)}`, POLICY.code.perDay, nowS + 2 * DAY_S),
      counter(L, `ip-hour#${ipHash}#${hourKey(now)}`, POLICY.ip.codesPerHour, nowS + 2 * 3600),
      {
        Put: {
          TableName: this.tables.codes,
          Item: { pk: phoneHash, codeHash, tries: 0, createdAt: now, expiresAt: nowS + POLICY.code.ttlSeconds }
        }
      }
    ]
    if (sms) items.push({ Put: { TableName: this.tables.outbox, Item: outboxItem(sms, now), ConditionExpression: 'attribute_not_exists(pk)' } })
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }))
      return { ok: true }
    } catch (err) {
      const failed = cancelledConditions(err)
      const index = failed && [...failed.keys()].find(i => i < limits.length)
      if (index === undefined) throw err
      const limit = limits[index]!
      return { ok: false, limit: limit.name, retryAfterSeconds: Math.max(1, Math.ceil((limit.retryAt(failed!.get(index)) - now) / 1000)) }
    }
  }

  async lockedUntil (phoneHash: string, now: number): Promise<number | undefined> {
    const { Item } = await this.doc.send(new GetCommand({
      TableName: this.tables.limits, Key: { pk: `verify-fail#${phoneHash}` }, ConsistentRead: true
    }))
    const until = Item?.lockedUntil as number | undefined
    return until !== undefined && until > now ? until : undefined
  }

  async tryCode (phoneHash: string, now: number): Promise<string | undefined> {
    const item = await updateIf(this.doc, {
      TableName: this.tables.codes,
      Key: { pk: phoneHash },
      UpdateExpression: 'ADD tries :one',
      ConditionExpression: 'attribute_exists(pk) AND tries < :max AND expiresAt > :nowS',
      ExpressionAttributeValues: { ':one': 1, ':max': POLICY.code.maxTries, ':nowS': seconds(now) }
    })
    return item?.codeHash as string | undefined
  }

  async recordFailure (phoneHash: string, now: number): Promise<void> {
    const Key = { pk: `verify-fail#${phoneHash}` }
    const TableName = this.tables.limits
    const expiresAt = seconds(now) + 2 * DAY_S + POLICY.verification.lockSeconds
    let failures: number | undefined
    // Two conditional writes (count within the window, or open a new window) instead of read-then-write.
    for (let round = 0; failures === undefined && round < 3; round++) {
      const counted = await updateIf(this.doc, {
        TableName, Key,
        UpdateExpression: 'ADD n :one SET expiresAt = :exp',
        ConditionExpression: 'windowEnds > :now',
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':exp': expiresAt }
      })
      failures = counted?.n ?? (await updateIf(this.doc, {
        TableName, Key,
        UpdateExpression: 'SET n = :one, windowEnds = :end, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(windowEnds) OR windowEnds <= :now',
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':end': now + POLICY.verification.windowSeconds * 1000, ':exp': expiresAt }
      }))?.n
    }
    if (failures === undefined || failures < POLICY.verification.maxFailures) return
    // a lock already running is not extended
    await updateIf(this.doc, {
      TableName, Key,
      UpdateExpression: 'SET lockedUntil = :until',
      ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil <= :now',
      ExpressionAttributeValues: { ':until': now + POLICY.verification.lockSeconds * 1000, ':now': now }
    })
  }

  async accept (codeHash: string, query: NewQuery, now: number): Promise<{ ok: true } | LimitHit | { ok: false, limit: 'CODE' }> {
    const nowS = seconds(now)
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tables.codes,
              Key: { pk: query.phoneHash },
              ConditionExpression: 'codeHash = :h AND expiresAt > :nowS AND tries <= :max',
              ExpressionAttributeValues: { ':h': codeHash, ':nowS': nowS, ':max': POLICY.code.maxTries }
            }
          },
          counter(this.tables.limits, `query-day#${query.phoneHash}#${chinaDayKey(now)}`, POLICY.query.perDay, nowS + 2 * DAY_S),
          {
            Put: {
              TableName: this.tables.queries,
              Item: {
                pk: query.queryId,
                phoneHash: query.phoneHash,
                maskedPhone: query.maskedPhone,
                recipient: query.recipient,
                status: 'ACCEPTED',
                acceptedAt: query.acceptedAt,
                expiresAt: nowS + POLICY.query.retentionDays * DAY_S
              },
              ConditionExpression: 'attribute_not_exists(pk)'
            }
          }
        ]
      }))
      return { ok: true }
    } catch (err) {
      const failed = cancelledConditions(err)
      if (failed?.has(0)) return { ok: false, limit: 'CODE' }
      if (failed?.has(1)) return { ok: false, limit: 'QUERY_DAILY', retryAfterSeconds: Math.ceil((nextChinaMidnight(now) - now) / 1000) }
      throw err
    }
  }
}
