// The composition root: builds every adapter from the environment, once per Lambda container.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import type { CarrierGateway, Clock, EnterpriseGateway, Hasher, OutboxStore, QueryStore, Random, SmsSender, SubscriberStore, VerificationStore } from '#ports'
import { DEFAULT_SIGNATURE } from '#domain/sms-text'
import { timedGateway } from '#lib/metrics'
import { httpCarrierGateway, tableCarrierGateway } from './carrier'
import { clockFromEnv } from './clock'
import { cryptoRandom, hmacHasher } from './crypto'
import { makeDocClient, tableNames, type Doc } from './dynamo/client'
import { DynamoOutboxStore } from './dynamo/outbox-store'
import { DynamoQueryStore } from './dynamo/query-store'
import { DynamoSubscriberStore } from './dynamo/subscriber-store'
import { DynamoVerificationStore } from './dynamo/verification-store'
import { enterpriseConfigSource, type EnterpriseConfig } from './enterprise-config'
import { httpEnterpriseGateway } from './enterprise-http'
import { loadSecrets, type Secrets } from './secrets'

export interface Runtime {
  clock: Clock
  random: Random
  hasher: Hasher
  /** catalogue and endpoints, reloaded by age: always ask, never keep */
  enterprises: () => Promise<EnterpriseConfig>
  secrets: Secrets
  doc: Doc
  subscribers: SubscriberStore
  /** the real-name check: the subscriber table, or the carriers' endpoints (CARRIER_GATEWAY=http) */
  carrier: CarrierGateway
  verification: VerificationStore
  queries: QueryStore
  outbox: OutboxStore
  sms: SmsSender
  gateway: EnterpriseGateway
  smsSignature: string
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
  const enterprises = enterpriseConfigSource(env)
  const hasher = hmacHasher(secrets.pepper)
  const subscribers = new DynamoSubscriberStore(doc, tables)
  return {
    clock,
    random: options.random ?? cryptoRandom,
    hasher,
    enterprises,
    secrets,
    doc,
    subscribers,
    carrier: carrierGatewayFor(env, { subscribers, hasher, masterKey: secrets.enterpriseKey, clock }),
    verification: new DynamoVerificationStore(doc, tables),
    queries: new DynamoQueryStore(doc, tables),
    outbox: new DynamoOutboxStore(doc, tables),
    sms: options.sms ?? smsSenderFor(env.SMS_PROVIDER),
    gateway: options.gateway ?? timedGateway(httpEnterpriseGateway({
      endpoint: async id => (await enterprises()).endpoints[id],
      masterKey: secrets.enterpriseKey,
      clock
    })),
    smsSignature: env.SMS_SIGNATURE ?? DEFAULT_SIGNATURE
  }
}

/** CARRIER_GATEWAY: `table` (default; the subscriber table) or `http` (CARRIER_ENDPOINTS: {"cmcc": URL, …}) */
export function carrierGatewayFor (
  env: Record<string, string | undefined>,
  deps: { subscribers: SubscriberStore, hasher: Hasher, masterKey: string, clock: Clock }
): CarrierGateway {
  switch (env.CARRIER_GATEWAY ?? 'table') {
    case 'table': return tableCarrierGateway(deps.subscribers, deps.hasher)
    case 'http': return httpCarrierGateway({ endpoints: JSON.parse(env.CARRIER_ENDPOINTS ?? '{}'), masterKey: deps.masterKey, clock: deps.clock })
    default: throw new Error(`unknown CARRIER_GATEWAY ${env.CARRIER_GATEWAY}`)
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
