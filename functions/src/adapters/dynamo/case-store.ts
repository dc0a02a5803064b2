// Cases on DynamoDB: one row per case (written whole, conditioned on its version), the dispute
// outbox (one row per item, the record is the message), and in Limits the daily case log, the
// (number, app) guards and the idempotency records.
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { POLICY } from '#domain/policy'
import { CASES_DUE_INDEX, TABLES } from '#infra-shared/tables'
import type { CaseEffects, CaseState, CaseStore, CreateCaseOutcome, DisputeMessage, NewCase } from '#ports'
import { scanAll, seconds, type Doc, type TableNames } from './client'
import { allShards, dueAttributes } from './due-index'
import { countAndWrite, limitPk, transact, type NamedItem } from './limit-logs'
import { outboxItem } from './outbox-store'
import { rememberItem } from './verification-store'

const DAY_S = 24 * 3600
/**
 * The due index is spread over DUE_SHARDS partitions (dueShard from the case id), so due-time changes
 * are not capped by one partition's ~1,000 writes/s; the sweep reads every one. "due" is the single
 * partition rows were written to before: read too, until the last of them has moved on.
 */
const DUE_PARTITIONS = [...allShards(), 'due']

/** what a query's caseId holds once a failed proof spent it */
const SPENT = 'spent'

const guardKey = (phoneHash: string, appId: string) => `case-open#${phoneHash}#${appId}`

function caseRow (state: CaseState) {
  const { caseId, dueAt, ...rest } = state
  return {
    pk: caseId,
    ...rest,
    // sparse index: only a case with something due is in it
    ...(dueAt !== undefined && dueAttributes(caseId, dueAt)),
    // 180 days after the last change (SECURITY.md says why)
    expiresAt: seconds(state.updatedAt) + POLICY.cases.retentionDays * DAY_S
  }
}

function fromRow (row: Record<string, unknown>): CaseState {
  const { pk, dueShard: _s, expiresAt: _e, ...rest } = row
  return { caseId: pk, ...rest } as CaseState
}

export class DynamoCaseStore implements CaseStore {
  constructor (private readonly doc: Doc, private readonly tables: TableNames) {}

  async create (input: NewCase): Promise<CreateCaseOutcome> {
    const { state, disputes, sms, proof, now } = input
    const nowS = seconds(now)
    const extra = (): NamedItem[] => [
      {
        name: 'proof',
        item: 'codeHash' in proof
          ? {
              Delete: {
                TableName: this.tables.codes,
                Key: { pk: state.phoneHash },
                ConditionExpression: 'codeHash = :h AND expiresAt > :nowS',
                ExpressionAttributeValues: { ':h': proof.codeHash, ':nowS': nowS }
              }
            }
          : {
              // a query proves one case: the first to claim it wins
              Update: {
                TableName: this.tables.queries,
                Key: { pk: proof.queryId },
                UpdateExpression: 'SET caseId = :c',
                ConditionExpression: 'phoneHash = :p AND acceptedAt > :since AND attribute_not_exists(caseId)',
                ExpressionAttributeValues: { ':c': state.caseId, ':p': state.phoneHash, ':since': proof.acceptedAfter }
              }
            }
      },
      ...input.clears.map(c => ({ name: `clear:${c.spec.name}`, item: { Delete: { TableName: this.tables.limits, Key: { pk: limitPk(c) } } } })),
      ...state.items.map(item => ({
        name: `guard:${item.appId}`,
        item: {
          Put: {
            TableName: this.tables.limits,
            Item: { pk: guardKey(state.phoneHash, item.appId), caseId: state.caseId, expiresAt: nowS + POLICY.cases.openGuardDays * DAY_S },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowS',
            ExpressionAttributeValues: { ':nowS': nowS }
          }
        }
      })),
      { name: 'case', item: { Put: { TableName: this.tables.cases, Item: caseRow(state), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ...disputes.map(d => ({
        name: `dispute:${d.itemId}`,
        item: {
          Put: {
            TableName: this.tables.disputes,
            Item: {
              pk: d.itemId, caseId: d.caseId, enterpriseId: d.enterpriseId, index: d.index, request: d.request, createdAt: d.createdAt,
              expiresAt: nowS + seconds(POLICY.cases.clearNumberMs)
            },
            ConditionExpression: 'attribute_not_exists(pk)'
          }
        }
      })),
      { name: 'sms', item: { Put: { TableName: this.tables.outbox, Item: outboxItem(sms, now), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ...(input.idempotency ? [rememberItem(this.tables.limits, input.idempotency, now)] : [])
    ]
    return countAndWrite<CreateCaseOutcome>(this.doc, this.tables.limits, input.limits, now, extra, failed => {
      if (failed.has('proof')) return { ok: false, failed: 'PROOF' }
      if (failed.has('idempotency')) return { ok: false, failed: 'IDEMPOTENCY' }
      const openApps = state.items.filter(i => failed.has(`guard:${i.appId}`)).map(i => i.appId)
      if (openApps.length) return { ok: false, openApps }
      return undefined
    })
  }

  async get (caseId: string, now: number): Promise<CaseState | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.cases, Key: { pk: caseId }, ConsistentRead: true }))
    // TTL deletion is late (and never happens in emulators): an expired case does not exist
    if (!Item || Item.expiresAt <= seconds(now)) return undefined
    return fromRow(Item)
  }

  async recentQuery (queryId: string, now: number) {
    const { Item } = await this.doc.send(new GetCommand({
      TableName: this.tables.queries, Key: { pk: queryId }, ConsistentRead: true, ProjectionExpression: 'phoneHash, acceptedAt, caseId, expiresAt'
    }))
    if (!Item || Item.expiresAt <= seconds(now)) return undefined
    return { phoneHash: Item.phoneHash as string, acceptedAt: Item.acceptedAt as number, ...(Item.caseId !== undefined && { caseId: Item.caseId as string }) }
  }

  async spendQuery (queryId: string): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tables.queries,
        Key: { pk: queryId },
        // not a case id: no case was opened with it, and none can be now
        UpdateExpression: 'SET caseId = :spent',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(caseId)',
        ExpressionAttributeValues: { ':spent': SPENT }
      }))
    } catch (err) {
      // used or spent already, or gone: nothing left to spend
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err
    }
  }

  async save (next: CaseState, expectedVersion: number, effects: CaseEffects, now: number): Promise<'ok' | 'stale'> {
    const items: NamedItem[] = [{
      name: 'case',
      item: { Put: { TableName: this.tables.cases, Item: caseRow(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } } }
    }]
    for (const appId of effects.closeApps ?? []) {
      // only this case's guard: a newer case may hold the (number, app) by now
      items.push({
        name: `guard:${appId}`,
        item: {
          Delete: {
            TableName: this.tables.limits,
            Key: { pk: guardKey(next.phoneHash, appId) },
            ConditionExpression: 'attribute_not_exists(pk) OR caseId = :c',
            ExpressionAttributeValues: { ':c': next.caseId }
          }
        }
      })
    }
    for (const itemId of effects.dropDisputes ?? []) items.push({ name: `drop:${itemId}`, item: { Delete: { TableName: this.tables.disputes, Key: { pk: itemId } } } })
    if (effects.sms) items.push({ name: 'sms', item: { Put: { TableName: this.tables.outbox, Item: outboxItem(effects.sms, now), ConditionExpression: 'attribute_not_exists(pk)' } } })
    const outcome = await transact(this.doc, items)
    if (outcome.ok) return 'ok'
    if (outcome.conflict || outcome.failed.has('case') || outcome.failed.has('sms')) return 'stale'
    // a newer case holds the (number, app): nothing of ours to release, the rest must not wait for it
    const held = (effects.closeApps ?? []).filter(appId => outcome.failed.has(`guard:${appId}`))
    return this.save(next, expectedVersion, { ...effects, closeApps: (effects.closeApps ?? []).filter(a => !held.includes(a)) }, now)
  }

  async due (now: number, limit: number): Promise<string[]> {
    const index = TABLES.cases.indexes.find(i => i.name === CASES_DUE_INDEX)!
    // the first `limit` of each partition, then the `limit` soonest of those: what one partition alone would give
    const pages = await Promise.all(DUE_PARTITIONS.map(async shard => {
      const { Items } = await this.doc.send(new QueryCommand({
        TableName: this.tables.cases,
        IndexName: index.name,
        KeyConditionExpression: '#s = :due AND #at <= :now',
        ExpressionAttributeNames: { '#s': index.partitionKey, '#at': index.sortKey },
        ExpressionAttributeValues: { ':due': shard, ':now': now },
        Limit: limit
      }))
      return Items ?? []
    }))
    return pages.flat().sort((a, b) => (a.dueAt as number) - (b.dueAt as number)).slice(0, limit).map(i => i.pk as string)
  }

  async dispute (itemId: string, now: number): Promise<DisputeMessage | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.disputes, Key: { pk: itemId }, ConsistentRead: true }))
    if (!Item || Item.expiresAt <= seconds(now)) return undefined
    return { itemId, caseId: Item.caseId, enterpriseId: Item.enterpriseId, index: Item.index, request: Item.request, createdAt: Item.createdAt }
  }

  async pendingDisputes (): Promise<string[]> {
    // undelivered disputes are few and live an hour at most; at national scale this becomes a sparse index
    const found: string[] = []
    for await (const { pk } of scanAll(this.doc, { TableName: this.tables.disputes, ProjectionExpression: 'pk' })) found.push(pk as string)
    return found
  }

  async markForwarded (message: DisputeMessage, reference: string, now: number): Promise<void> {
    const i = message.index
    const write = (moveStatus: boolean) => transact(this.doc, [
      {
        name: 'case',
        item: {
          Update: {
            TableName: this.tables.cases,
            Key: { pk: message.caseId },
            // the version moves too: a whole-row write prepared before this one must re-read
            UpdateExpression: `SET #items[${i}].#ref = :r, #items[${i}].#at = :now, #v = #v + :one${moveStatus ? `, #items[${i}].#s = :forwarded` : ''}`,
            ConditionExpression: `#items[${i}].#id = :id${moveStatus ? ` AND #items[${i}].#s = :submitted` : ''}`,
            // names, not words: several are reserved in DynamoDB expressions
            ExpressionAttributeNames: { '#items': 'items', '#ref': 'reference', '#at': 'forwardedAt', '#v': 'version', '#id': 'itemId', ...(moveStatus && { '#s': 'status' }) },
            ExpressionAttributeValues: {
              ':r': reference, ':now': now, ':one': 1, ':id': message.itemId,
              ...(moveStatus && { ':forwarded': 'FORWARDED', ':submitted': 'SUBMITTED' })
            }
          }
        }
      },
      { name: 'dispute', item: { Delete: { TableName: this.tables.disputes, Key: { pk: message.itemId } } } }
    ])
    // the items of one case are forwarded at once and each writes the same row: a conflict waits and
    // tries again (never re-sends: the enterprise holds the dispute already)
    let moveStatus = true
    for (let attempt = 0; attempt < 20; attempt++) {
      const outcome = await write(moveStatus)
      if (outcome.ok) return
      if (outcome.conflict) {
        await new Promise(resolve => setTimeout(resolve, Math.random() * 10 * (attempt + 1)))
        continue
      }
      if (!moveStatus) break
      // an answer came before the 202: keep it, record the reference only
      moveStatus = false
    }
    if (moveStatus) throw new Error('dispute delivery record contended')
    // the case is gone (expired): the dispute goes all the same
    await transact(this.doc, [{ name: 'dispute', item: { Delete: { TableName: this.tables.disputes, Key: { pk: message.itemId } } } }])
  }
}
