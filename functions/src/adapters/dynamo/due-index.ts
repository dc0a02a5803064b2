// The sparse "due" index every sweep reads instead of scanning a table that keeps rows for days.
// An item carries `dueShard` and `dueAt` only while it can still be stuck (a query or SMS holding a
// clear number, a release notice not yet delivered, a case with a deadline or a held SMS): the write
// that finishes it REMOVEs both in the same request, so the index holds what is open and nothing
// else, however many finished rows the table keeps. The partition key is spread over DUE_SHARDS
// values derived from the item's own key, so 1,000 queries/s (each entering and leaving the index of
// Queries and, twice, of SmsOutbox) stay far below one partition's 1,000 writes/s (docs/CAPACITY.md).
import { createHash } from 'node:crypto'
import { paginateQuery } from '@aws-sdk/lib-dynamodb'
import { DUE_INDEX } from '#infra-shared/tables'
import type { Doc } from './client'

/** 16 partitions: ≤ 4,000 index writes/s at 1,000 queries/s (SmsOutbox) is ~250/s on each */
export const DUE_SHARDS = 16

/** the index partition of an item: stable for its key, so a re-write lands where it was */
export function dueShard (key: string, shards = DUE_SHARDS): string {
  return `due#${createHash('sha256').update(key).digest().readUInt16BE(0) % shards}`
}

/** spread into an item's Put (or SET) while it is open: it is due (may be swept) from `at` on */
export function dueAttributes (key: string, at: number): { dueShard: string, dueAt: number } {
  return { dueShard: dueShard(key), dueAt: at }
}

/** to append to the REMOVE clause of the write that finishes an item (no attribute names needed) */
export const REMOVE_DUE = 'dueShard, dueAt'

export interface DueQuery {
  table: string
  /** due strictly before this time (epoch ms) */
  before: number
  /** partitions to read; also names shards written before the index was spread, if any */
  shards?: readonly string[]
  /** items per page (each shard is read page by page) */
  pageSize?: number
}

export const allShards = (shards = DUE_SHARDS): string[] => Array.from({ length: shards }, (_, i) => `due#${i}`)

/**
 * The keys of the items due before `before`, shard after shard, oldest first within a shard. What it
 * reads is what is open: finished rows are not in the index at all.
 */
export async function * dueKeys (doc: Doc, q: DueQuery): AsyncGenerator<{ pk: string, dueAt: number }> {
  for (const shard of q.shards ?? allShards()) {
    const pages = paginateQuery({ client: doc, pageSize: q.pageSize ?? 500 }, {
      TableName: q.table,
      IndexName: DUE_INDEX,
      KeyConditionExpression: 'dueShard = :s AND dueAt < :before',
      ExpressionAttributeValues: { ':s': shard, ':before': q.before }
    })
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield { pk: item.pk as string, dueAt: item.dueAt as number }
    }
  }
}
