// The domain's limit specs carried out on DynamoDB. Each (counter, subject) is one small item holding
// the times of its recent events and a version. A check reads the items; counting writes the new
// logs in one transaction, each item conditioned on the version it was judged at, so two requests
// that judged the same log cannot both count (optimistic concurrency: the loser re-reads and is
// judged again). Transaction items carry names; a cancelled transaction is read back by name.
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { allowedAt, logLength, withEvent, type LimitCheck, type LimitName, type Refusal } from '#domain/limits'
import { seconds, type Doc } from './client'

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]
export interface NamedItem { name: string, item: TransactItem }

export interface Log { events: number[], version?: number }
export type Logs = Map<LimitName, Log>

export const limitPk = (check: LimitCheck) => `${check.spec.counter}#${check.subject}`

export async function readLogs (doc: Doc, table: string, checks: readonly LimitCheck[]): Promise<Logs> {
  const items = await Promise.all(checks.map(c =>
    doc.send(new GetCommand({ TableName: table, Key: { pk: limitPk(c) }, ConsistentRead: true }))))
  return new Map(checks.map((c, i) => {
    const item = items[i]!.Item
    return [c.spec.name, { events: (item?.ts as number[] | undefined) ?? [], version: item?.v as number | undefined }]
  }))
}

export function refusalsOf (checks: readonly LimitCheck[], logs: Logs, now: number): Refusal[] {
  return checks.flatMap(c => {
    const retryAt = allowedAt(c.spec, logs.get(c.spec.name)?.events ?? [], now)
    return retryAt > now ? [{ name: c.spec.name, retryAt }] : []
  })
}

/** the logs with one more event each */
export function logsAfter (checks: readonly LimitCheck[], logs: Logs, now: number): Map<LimitName, number[]> {
  return new Map(checks.map(c => [c.spec.name, withEvent(c.spec, logs.get(c.spec.name)?.events ?? [], now)]))
}

/** one event more on each log, each write conditioned on the version that was judged */
export function countItems (table: string, checks: readonly LimitCheck[], logs: Logs, now: number): NamedItem[] {
  return checks.map(c => {
    const { events, version } = logs.get(c.spec.name) ?? { events: [] }
    const ts = withEvent(c.spec, events, now)
    return {
      name: c.spec.name,
      item: {
        Update: {
          TableName: table,
          Key: { pk: limitPk(c) },
          UpdateExpression: 'SET ts = :ts, v = :next, expiresAt = :exp',
          ConditionExpression: version === undefined ? 'attribute_not_exists(v)' : 'v = :v',
          ExpressionAttributeValues: {
            ':ts': ts,
            ':next': (version ?? 0) + 1,
            ':exp': seconds(now) + c.spec.windowSeconds + 60,
            ...(version !== undefined && { ':v': version })
          }
        }
      }
    }
  })
}

export type TransactOutcome = { ok: true } | { ok: false, failed: Set<string>, conflict: boolean }

/** a transaction whose failures come back by item name; other errors surface */
export async function transact (doc: Doc, items: readonly NamedItem[]): Promise<TransactOutcome> {
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items.map(i => i.item) }))
    return { ok: true }
  } catch (err) {
    if (err instanceof Error && err.name === 'TransactionConflictException') return { ok: false, failed: new Set(), conflict: true }
    if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') throw err
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
    const failed = new Set<string>()
    let conflict = false
    reasons.forEach((r, i) => {
      if (r.Code === 'ConditionalCheckFailed') failed.add(items[i]!.name)
      else if (r.Code === 'TransactionConflict') conflict = true
    })
    if (!failed.size && !conflict) throw err
    return { ok: false, failed, conflict }
  }
}

const ATTEMPTS = 8
const pause = (attempt: number) => new Promise(resolve => setTimeout(resolve, Math.random() * 15 * (attempt + 1)))

/**
 * Judge the limits, then write the counted logs plus `extra` in one transaction. A lost race on a
 * log version or a transaction conflict re-reads and judges again; after a few rounds the answer is
 * CONTENDED (a 429 with a one-second wait), never an error.
 * `decide` sees the names of the failed extra items and says what they mean, or undefined to retry.
 */
export async function countAndWrite<T> (
  doc: Doc,
  table: string,
  checks: readonly LimitCheck[],
  now: number,
  extra: (after: Map<LimitName, number[]>) => NamedItem[],
  decide: (failed: Set<string>) => T | undefined
): Promise<{ ok: true } | { ok: false, refusals: Refusal[] } | T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const logs = await readLogs(doc, table, checks)
    const refusals = refusalsOf(checks, logs, now)
    if (refusals.length) return { ok: false, refusals }
    const outcome = await transact(doc, [...countItems(table, checks, logs, now), ...extra(logsAfter(checks, logs, now))])
    if (outcome.ok) return outcome
    const decided = decide(new Set([...outcome.failed].filter(n => !checks.some(c => c.spec.name === n))))
    if (decided !== undefined) return decided
    await pause(attempt)
  }
  return { ok: false, refusals: [{ name: 'CONTENDED', retryAt: now + 1000 }] }
}

/** count an event that already happened; under heavy contention append without judging, bounded */
export async function recordEvent (doc: Doc, table: string, check: LimitCheck, now: number): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const logs = await readLogs(doc, table, [check])
    const outcome = await transact(doc, countItems(table, [check], logs, now))
    if (outcome.ok) return
    await pause(attempt)
  }
  await transact(doc, [{
    name: check.spec.name,
    item: {
      Update: {
        TableName: table,
        Key: { pk: limitPk(check) },
        UpdateExpression: 'SET ts = list_append(if_not_exists(ts, :none), :t), expiresAt = :exp ADD v :one',
        ConditionExpression: 'attribute_not_exists(ts) OR size(ts) < :cap',
        ExpressionAttributeValues: {
          ':none': [], ':t': [now], ':one': 1, ':cap': 4 * logLength(check.spec), ':exp': seconds(now) + check.spec.windowSeconds + 60
        }
      }
    }
  }])
}
