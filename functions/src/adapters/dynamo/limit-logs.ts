// The domain's limit specs carried out on DynamoDB. Each (counter, subject) is one small item holding
// the times of its recent events and a version. A check reads the items; counting writes the new
// logs in one transaction, each item conditioned on the version it was judged at, so two requests
// that judged the same log cannot both count (optimistic concurrency: the loser re-reads and is
// judged again). Transaction items carry names; a cancelled transaction is read back by name.
// The logs a step needs come in one BatchGetItem, with whatever else the step reads (batchRead).
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { logLength, refusalsOf, withEvent, type LimitCheck, type LimitName, type Refusal } from '#domain/limits'
import { CONTENDED_RETRY_AFTER_SECONDS } from '#domain/errors'
import { AGAIN, ON_CONFLICT, retryOnConflict } from '#domain/pacing'
import type { LimitLog } from '#ports'
import { batchRead, seconds, type Doc } from './client'

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]
export interface NamedItem { name: string, item: TransactItem }

export type Log = LimitLog
export type Logs = ReadonlyMap<LimitName, Log>

export const limitPk = (check: LimitCheck) => `${check.spec.counter}#${check.subject}`

/** a log as stored (absent: no events, no version) */
export function logOf (item: Record<string, unknown> | undefined): Log {
  return { events: (item?.ts as number[] | undefined) ?? [], version: item?.v as number | undefined }
}

/** the logs of these checks, in one strongly consistent BatchGetItem */
export async function readLogs (doc: Doc, table: string, checks: readonly LimitCheck[]): Promise<Logs> {
  const items = await batchRead(doc, { [table]: { keys: checks.map(limitPk), consistent: true } })
  return new Map(checks.map(c => [c.spec.name, logOf(items[table]?.get(limitPk(c)))]))
}

export { refusalsOf }

/** the logs with one more event each */
export function logsAfter (checks: readonly LimitCheck[], logs: Logs, now: number): Map<LimitName, number[]> {
  return new Map(checks.map(c => [c.spec.name, withEvent(c.spec, logs.get(c.spec.name)?.events ?? [], now)]))
}

/**
 * Logs a success wipes (the number's verdict backoff): deleted only if still at the version judged,
 * so a verdict counted meanwhile by a parallel request makes this write lose and re-judge.
 */
export function clearItems (table: string, clears: readonly LimitCheck[], logs: Logs): NamedItem[] {
  return clears.map(c => {
    const version = logs.get(c.spec.name)?.version
    return {
      name: c.spec.name,
      item: {
        Delete: {
          TableName: table,
          Key: { pk: limitPk(c) },
          ConditionExpression: version === undefined ? 'attribute_not_exists(v)' : 'v = :v',
          ...(version !== undefined && { ExpressionAttributeValues: { ':v': version } })
        }
      }
    }
  })
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

export interface CountOptions {
  /** the logs as the step's batched read found them: the first round judges these instead of reading */
  judged?: Logs
  /**
   * logs that must allow one more event, like `checks`, but are wiped instead of counted (the
   * number's verdict backoff, on success): deleted if still at the version judged
   */
  clears?: readonly LimitCheck[]
}

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
  decide: (failed: Set<string>) => T | undefined,
  options: CountOptions = {}
): Promise<{ ok: true } | { ok: false, refusals: Refusal[] } | T> {
  const clears = options.clears ?? []
  const judged = [...checks, ...clears]
  const answer = await retryOnConflict(ON_CONFLICT.countedWrite, async round => {
    const logs = round === 0 && options.judged ? options.judged : await readLogs(doc, table, judged)
    const refusals = refusalsOf(judged, logs, now)
    if (refusals.length) return { ok: false as const, refusals }
    const outcome = await transact(doc, [
      ...countItems(table, checks, logs, now), ...clearItems(table, clears, logs), ...extra(logsAfter(checks, logs, now))
    ])
    if (outcome.ok) return outcome
    return decide(new Set([...outcome.failed].filter(n => !judged.some(c => c.spec.name === n)))) ?? AGAIN
  })
  return answer !== AGAIN ? answer : { ok: false, refusals: [{ name: 'CONTENDED', retryAt: now + CONTENDED_RETRY_AFTER_SECONDS * 1000 }] }
}

/** count an event that already happened; under heavy contention append without judging, bounded */
export async function recordEvent (doc: Doc, table: string, check: LimitCheck, now: number, judged?: Logs): Promise<void> {
  const counted = await retryOnConflict(ON_CONFLICT.recordedEvent, async round => {
    const logs = round === 0 && judged?.has(check.spec.name) ? judged : await readLogs(doc, table, [check])
    return (await transact(doc, countItems(table, [check], logs, now))).ok || AGAIN
  })
  if (counted !== AGAIN) return
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
