// The one declaration of every DynamoDB table: read by the adapters, the local runtime and the CDK stack.
// Dependency-free on purpose, so infra/ can import it without the AWS SDK.

export interface TableDefinition {
  /** logical name: CDK construct id and, locally, the table name */
  readonly name: string
  /** the environment variable through which a function learns the deployed table name */
  readonly envVar: string
  readonly partitionKey: string
  /** epoch seconds; DynamoDB deletes late (and emulators never), so code checks it too */
  readonly ttlAttribute?: string
  /** KEYS_ONLY: stream records never carry a phone number; the consumer reads the item */
  readonly stream?: 'KEYS_ONLY'
  /**
   * point-in-time recovery (35 days of restorable history). Only where it protects something a user
   * could not recreate; never on tables that hold a clear number or SMS text, even for seconds, since a
   * restore would bring those back (SECURITY.md, "Backups")
   */
  readonly pointInTimeRecovery?: true
  /** global secondary indexes, keys only: a string partition key each, and optionally a number sort key */
  readonly indexes?: readonly { readonly name: string, readonly partitionKey: string, readonly sortKey?: string }[]
}

/** finds a sent SMS by the provider's id, for receipts that do not echo ours (Tencent Cloud's) */
export const PROVIDER_MESSAGE_INDEX = 'byProviderMessageId'

/**
 * The sparse due index every sweep reads (adapters/dynamo/due-index.ts): an item is in it only while it
 * can still be stuck or has something due; `dueShard` = "due#0".."due#15" from the item's key, `dueAt`
 * epoch ms. Sweeps query it instead of scanning tables that keep finished rows for days.
 */
export const DUE_INDEX = 'byDueAt'
const dueIndex = { name: DUE_INDEX, partitionKey: 'dueShard', sortKey: 'dueAt' } as const

/** resolution cases with something due (a deadline, batched SMS): the same due index, ordered by when */
export const CASES_DUE_INDEX = DUE_INDEX

/** a platform's audit trail of one China day (auditDay = "<enterprise>#<date>"), in call order */
export const AUDIT_DAY_INDEX = 'byAuditDay'

/** binding alerts: one enterprise's HMAC rows, oldest subscription first (its paged sync) */
export const SUBSCRIPTIONS_BY_ENTERPRISE_INDEX = 'byEnterprise'

/** the released-numbers feed: China day recorded → entries in the order recorded (sparse: feed items only) */
export const RELEASED_FEED_INDEX = 'byRecorded'

export const TABLES = {
  /** carrier real-name records: keyed hash of the number → keyed hash of the ID suffix, status */
  subscribers: { name: 'Subscribers', envVar: 'SUBSCRIBERS_TABLE', partitionKey: 'pk', pointInTimeRecovery: true },
  /** one live verification code per number (keyed hash of the code only) */
  codes: { name: 'VerificationCodes', envVar: 'CODES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** sliding limit logs (one small item per counter and subject) and idempotency records (hashes, an hour) */
  limits: { name: 'Limits', envVar: 'LIMITS_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** accepted queries; an INSERT starts processing; in the due index while it holds the recipient */
  queries: {
    name: 'Queries', envVar: 'QUERIES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY',
    indexes: [dueIndex]
  },
  /** SMS to send; an INSERT starts dispatch; in the due index while it holds the recipient and text */
  outbox: {
    name: 'SmsOutbox', envVar: 'OUTBOX_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY',
    indexes: [{ name: PROVIDER_MESSAGE_INDEX, partitionKey: 'providerMessageId' }, dueIndex]
  },
  /** circuit breakers: one item per enterprise while it is considered down (no personal data) */
  enterpriseHealth: { name: 'EnterpriseHealth', envVar: 'ENTERPRISE_HEALTH_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** number histories (hashed), the released-numbers feed, event ids */
  lifecycle: {
    name: 'NumberLifecycle', envVar: 'LIFECYCLE_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt',
    indexes: [{ name: RELEASED_FEED_INDEX, partitionKey: 'feedDay', sortKey: 'recordedSeq' }]
  },
  /**
   * what the signed routes keep per caller (carriers, platforms, enterprises calling back): replay
   * marks (minutes), rate buckets (a day) and the platforms' audit, one item per call (400 days), read
   * a China day at a time through its index; no personal data
   */
  callerLedger: {
    name: 'CallerLedger', envVar: 'CALLER_LEDGER_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt',
    indexes: [{ name: AUDIT_DAY_INDEX, partitionKey: 'auditDay', sortKey: 'seq' }]
  },
  /** one release notice per (released number, enterprise); an INSERT starts its delivery; in the due index while PENDING */
  notices: {
    name: 'NumberNotices', envVar: 'NOTICES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY',
    indexes: [dueIndex]
  },
  /**
   * resolution cases, one row each (hashes, the masked number, the number sealed for the case SMS);
   * a case with something due is in the sparse due index (dueShard = "due#0".."due#15", dueAt = epoch ms)
   */
  cases: {
    name: 'Cases', envVar: 'CASES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt',
    indexes: [dueIndex]
  },
  /** disputes to forward, one per case item, holding the clear number until delivered; an INSERT starts forwarding */
  disputes: { name: 'DisputeOutbox', envVar: 'DISPUTES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY' },
  /**
   * binding-alert subscriptions (keyed hash of the number), each enterprise's HMAC rows of them (in
   * the sparse by-enterprise index) and each number's daily alert state; nothing in clear
   */
  alertSubscriptions: {
    name: 'AlertSubscriptions', envVar: 'ALERT_SUBSCRIPTIONS_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt',
    indexes: [{ name: SUBSCRIPTIONS_BY_ENTERPRISE_INDEX, partitionKey: 'enterpriseId', sortKey: 'since' }]
  },
  /**
   * reported bindings of subscribed numbers (the number sealed until its alert is sent); an INSERT
   * starts the alert, a held one is in the sparse due index (dueShard = "due#0".."due#15", dueAt = epoch ms)
   */
  bindingEvents: {
    name: 'BindingEvents', envVar: 'BINDING_EVENTS_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY',
    indexes: [dueIndex]
  }
} as const satisfies Record<string, TableDefinition>

export type TableKey = keyof typeof TABLES

export function tableName (key: TableKey, env: Record<string, string | undefined> = process.env): string {
  return env[TABLES[key].envVar] ?? TABLES[key].name
}
