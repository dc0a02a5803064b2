// The breakers' shared state: one tiny item per enterprise while it is down ({pk, openUntil, expiresAt}).
// Read with one BatchGetItem per container per refresh period, written only when a breaker opens or
// a probe closes it: a few requests per outage, not per query.
import { BatchGetCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { AGAIN, inRounds } from '#domain/pacing'
import type { BreakerStore } from '#ports'
import { isConditionFailure, seconds, type Doc, type TableNames } from './client'

/** stored periods outlive their end by an hour, then DynamoDB may delete them */
const KEEP_SECONDS = 3600
const BREAKER_READ_ROUNDS = 3

export class DynamoBreakerStore implements BreakerStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async openUntil (enterpriseIds: readonly string[]): Promise<Record<string, number>> {
    const table = this.tables.enterpriseHealth
    let keys: Record<string, unknown>[] = enterpriseIds.map(pk => ({ pk }))
    const out: Record<string, number> = {}
    if (!keys.length) return out
    // BatchGetItem may leave keys unprocessed under load: asked again at once, 3 rounds at most; what is
    // still unread counts as closed (a breaker is an optimisation, never a reason to fail a query)
    await inRounds({ tries: BREAKER_READ_ROUNDS, pauseMs: () => 0 }, async () => {
      const res = await this.doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'pk, openUntil' } } }))
      for (const item of res.Responses?.[table] ?? []) {
        if (typeof item.openUntil === 'number') out[item.pk as string] = item.openUntil
      }
      keys = res.UnprocessedKeys?.[table]?.Keys ?? []
      return keys.length ? AGAIN : undefined
    })
    return out
  }

  async open (enterpriseId: string, until: number, _now: number): Promise<void> {
    await this.conditional(new PutCommand({
      TableName: this.tables.enterpriseHealth,
      Item: { pk: enterpriseId, openUntil: until, expiresAt: seconds(until) + KEEP_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk) OR openUntil < :until',
      ExpressionAttributeValues: { ':until': until }
    }))
  }

  async close (enterpriseId: string, now: number): Promise<void> {
    await this.conditional(new DeleteCommand({
      TableName: this.tables.enterpriseHealth,
      Key: { pk: enterpriseId },
      ConditionExpression: 'openUntil <= :now',
      ExpressionAttributeValues: { ':now': now }
    }))
  }

  private async conditional (command: PutCommand | DeleteCommand): Promise<void> {
    try {
      await this.doc.send(command as PutCommand)
    } catch (err) {
      // another container already holds a longer period: theirs stands
      if (!isConditionFailure(err)) throw err
    }
  }
}
