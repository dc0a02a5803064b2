// History a sweep must not read: finished queries, sent SMS, settled release notices and cases with
// nothing due, written in bulk (BatchWrite, 25 a request, many at once) in the shape the adapters
// leave them in once done, so without the due attributes. Shared by the sweep bench and its test.
import { BatchWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb'
import type { Doc } from '../src/adapters/dynamo/client'

export type FinishedTable = 'Queries' | 'SmsOutbox' | 'NumberNotices' | 'Cases'

const DAY_S = 24 * 3600

/** the i-th finished row of a table, as the adapters leave it (no dueShard, no dueAt) */
export function finishedRow (table: FinishedTable, i: number, now: number): Record<string, NativeAttributeValue> {
  const expiresAt = Math.floor(now / 1000) + 30 * DAY_S
  const at = now - (i % 1000) * 60_000
  switch (table) {
    case 'Queries':
      return { pk: `done-q-${i}`, phoneHash: `h${i}`, maskedPhone: '138****5551', status: 'DELIVERED', acceptedAt: at, processedAt: at, sentAt: at, expiresAt }
    case 'SmsOutbox':
      return { pk: `done-m-${i}`, template: 'result', maskedTo: '138****5551', queryId: `done-q-${i}`, status: 'DELIVERED', tries: 1, createdAt: at, finishedAt: at, recipientHash: `r${i}`, expiresAt }
    case 'NumberNotices':
      return { pk: `done-n-${i}#jd`, noticeId: `done-n-${i}`, enterpriseId: 'jd', event: 'RELEASED', effectiveAt: at, deadline: at, status: 'CONFIRMED', createdAt: at, expiresAt }
    case 'Cases':
      return { pk: `done-c-${i}`, phoneHash: `h${i}`, version: 3, items: [], pending: [], updatedAt: at, expiresAt }
  }
}

/**
 * Writes `count` finished rows into each table (`tables`: their real names by logical name), `lanes`
 * BatchWrites in flight; unprocessed items are written again until none is left.
 */
export async function writeFinishedRows (
  doc: Doc, tables: Record<FinishedTable, string>, count: number, now: number, { lanes = 16, from = 0 } = {}
): Promise<void> {
  const jobs: { table: FinishedTable, start: number }[] = []
  for (const table of Object.keys(tables) as FinishedTable[]) {
    for (let start = from; start < from + count; start += 25) jobs.push({ table, start })
  }
  let next = 0
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      const end = Math.min(job.start + 25, from + count)
      let requests: Record<string, unknown>[] = []
      for (let i = job.start; i < end; i++) requests.push({ PutRequest: { Item: finishedRow(job.table, i, now) } })
      for (let attempt = 0; requests.length; attempt++) {
        if (attempt) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)))
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tables[job.table]]: requests as never } }))
        requests = (out.UnprocessedItems?.[tables[job.table]] as Record<string, unknown>[] | undefined) ?? []
      }
    }
  }))
}

/** counts the items DynamoDB read for Query and Scan (ScannedCount) and the requests, on one client */
export function readCounter (doc: Doc): { items: number, requests: number, reset (): void } {
  const tally = { items: 0, requests: 0, reset () { tally.items = 0; tally.requests = 0 } }
  doc.middlewareStack.add(next => async args => {
    const out = await next(args)
    tally.requests++
    const scanned = (out.output as { ScannedCount?: number }).ScannedCount
    if (typeof scanned === 'number') tally.items += scanned
    return out
  }, { step: 'initialize', name: `countReads${Math.random()}` })
  return tally
}
