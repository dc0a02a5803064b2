// The composition root: builds every adapter from the environment, once per Lambda container.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { catalogue, type Catalogue } from '#catalogue/index'
import type { Clock, EnterpriseGateway, Hasher, LifecycleStore, NoticeGateway, OutboxStore, QueryStore, Random, SmsSender, SubscriberStore, VerificationStore } from '#ports'
import { CARRIER_IDS } from '#domain/carriers'
import { carrierKey, enterpriseKey } from '#lib/signing'
import { DEFAULT_SIGNATURE } from '#domain/sms-text'
import { clockFromEnv } from './clock'
import { cryptoRandom, hmacHasher } from './crypto'
import { makeDocClient, tableNames, type Doc } from './dynamo/client'
import { DynamoOutboxStore } from './dynamo/outbox-store'
import { DynamoQueryStore } from './dynamo/query-store'
import { DynamoSubscriberStore } from './dynamo/subscriber-store'
import { DynamoVerificationStore } from './dynamo/verification-store'
import { DynamoLifecycleStore } from './dynamo/lifecycle-store'
import { httpEnterpriseGateway } from './enterprise-http'
import { httpNoticeGateway } from './notice-http'
import { loadSecrets, type Secrets } from './secrets'

export interface Runtime {
  clock: Clock
  random: Random
  hasher: Hasher
  catalogue: Catalogue
  secrets: Secrets
  doc: Doc
  subscribers: SubscriberStore
  verification: VerificationStore
  queries: QueryStore
  outbox: OutboxStore
  sms: SmsSender
  gateway: EnterpriseGateway
  smsSignature: string
  lifecycle: LifecycleStore
  notices: NoticeGateway
  /** public holidays (China dates) for working-day deadlines: HOLIDAYS="2026-10-01,2026-10-02" */
  holidays: ReadonlySet<string>
  /** the keys of the parties that call our signed routes, derived from the master key */
  callers: Record<'carrier' | 'enterprise', { keyFor (id: string): string | undefined }>
}

export interface RuntimeOptions {
  env?: Record<string, string | undefined>
  clock?: Clock
  random?: Random
  dynamo?: DynamoDBClientConfig
  sms?: SmsSender
  gateway?: EnterpriseGateway
}

export async function buildRuntime (options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env
  const clock = options.clock ?? clockFromEnv(env)
  const secrets = await loadSecrets(env)
  const doc = makeDocClient(options.dynamo)
  const tables = tableNames(env)
  return {
    clock,
    random: options.random ?? cryptoRandom,
    hasher: hmacHasher(secrets.pepper),
    catalogue,
    secrets,
    doc,
    subscribers: new DynamoSubscriberStore(doc, tables),
    verification: new DynamoVerificationStore(doc, tables),
    queries: new DynamoQueryStore(doc, tables),
    outbox: new DynamoOutboxStore(doc, tables),
    sms: options.sms ?? smsSenderFor(env.SMS_PROVIDER),
    gateway: options.gateway ?? httpEnterpriseGateway({
      endpointTemplate: env.ENTERPRISE_ENDPOINT_TEMPLATE ?? 'http://127.0.0.1:3001/enterprises/{id}/account-counts',
      endpoints: env.ENTERPRISE_ENDPOINTS ? JSON.parse(env.ENTERPRISE_ENDPOINTS) : undefined,
      masterKey: secrets.enterpriseKey,
      clock
    }),
    smsSignature: env.SMS_SIGNATURE ?? DEFAULT_SIGNATURE,
    lifecycle: new DynamoLifecycleStore(doc, tables),
    notices: httpNoticeGateway({
      endpointTemplate: env.ENTERPRISE_NOTICE_TEMPLATE ??
        (env.ENTERPRISE_ENDPOINT_TEMPLATE ?? 'http://127.0.0.1:3001/enterprises/{id}/account-counts').replace(/account-counts$/, 'number-events'),
      masterKey: secrets.enterpriseKey,
      clock
    }),
    holidays: new Set((env.HOLIDAYS ?? '').split(',').map(d => d.trim()).filter(Boolean)),
    callers: {
      carrier: { keyFor: id => CARRIER_IDS.includes(id) ? carrierKey(secrets.enterpriseKey, id) : undefined },
      enterprise: { keyFor: id => catalogue.enterprises.some(e => e.id === id) ? enterpriseKey(secrets.enterpriseKey, id) : undefined }
    }
  }
}

/** The extension point for SMS providers: a mainland provider is one more case here. */
export function smsSenderFor (provider = 'sns'): SmsSender {
  switch (provider) {
    case 'sns': return lazySender(() => import('./sms-sns').then(m => m.snsSmsSender()))
    default: throw new Error(`unknown SMS_PROVIDER ${provider}`)
  }
}

/** loads a sender's SDK client on the first send only */
function lazySender (load: () => Promise<SmsSender>): SmsSender {
  let sender: Promise<SmsSender> | undefined
  return {
    async send (message) {
      sender ??= load().catch(err => { sender = undefined; throw err })
      return (await sender).send(message)
    }
  }
}

let shared: Promise<Runtime> | undefined
/** one runtime per container; a failed build (e.g. SSM unreachable) is retried on the next call */
export function runtime (): Promise<Runtime> {
  shared ??= buildRuntime().catch(err => { shared = undefined; throw err })
  return shared
}
