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
}

export const TABLES = {
  /** carrier real-name records: keyed hash of the number → keyed hash of the ID suffix, status */
  subscribers: { name: 'Subscribers', envVar: 'SUBSCRIBERS_TABLE', partitionKey: 'pk' },
  /** one live verification code per number (keyed hash of the code only) */
  codes: { name: 'VerificationCodes', envVar: 'CODES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** fixed-window counters, cooldowns and locks: one small item per limit */
  limits: { name: 'Limits', envVar: 'LIMITS_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** accepted queries; an INSERT starts processing */
  queries: { name: 'Queries', envVar: 'QUERIES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY' },
  /** SMS to send; an INSERT starts dispatch */
  outbox: { name: 'SmsOutbox', envVar: 'OUTBOX_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY' },
  /** number histories (hashed), the released-numbers feed, event ids, signed-call replay marks and audit */
  lifecycle: { name: 'NumberLifecycle', envVar: 'LIFECYCLE_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** one release notice per (released number, enterprise); an INSERT starts its delivery */
  notices: { name: 'NumberNotices', envVar: 'NOTICES_TABLE', partitionKey: 'pk', ttlAttribute: 'expiresAt', stream: 'KEYS_ONLY' }
} as const satisfies Record<string, TableDefinition>

export type TableKey = keyof typeof TABLES

export function tableName (key: TableKey, env: Record<string, string | undefined> = process.env): string {
  return env[TABLES[key].envVar] ?? TABLES[key].name
}
