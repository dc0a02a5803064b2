// The composition root: builds every adapter from the environment, once per Lambda container.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { catalogue, type Catalogue } from '#catalogue/index'
import type { Clock, EnterpriseGateway, Hasher, OutboxStore, QueryStore, Random, SmsSender, SubscriberStore, VerificationStore } from '#ports'
import { DEFAULT_SIGNATURE, smsTemplates, type SmsTemplates } from '#domain/sms-templates'
import { clockFromEnv } from './clock'
import { cryptoRandom, hmacHasher } from './crypto'
import { makeDocClient, tableNames, type Doc } from './dynamo/client'
import { DynamoOutboxStore } from './dynamo/outbox-store'
import { DynamoQueryStore } from './dynamo/query-store'
import { DynamoSubscriberStore } from './dynamo/subscriber-store'
import { DynamoVerificationStore } from './dynamo/verification-store'
import { httpEnterpriseGateway } from './enterprise-http'
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
  smsTemplates: SmsTemplates
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
  const templates = smsTemplates(catalogue)
  const signature = env.SMS_SIGNATURE ?? DEFAULT_SIGNATURE
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
    sms: options.sms ?? smsSenderFor(env.SMS_PROVIDER, { secrets, templates, signature }),
    gateway: options.gateway ?? httpEnterpriseGateway({
      endpointTemplate: env.ENTERPRISE_ENDPOINT_TEMPLATE ?? 'http://127.0.0.1:3001/enterprises/{id}/account-counts',
      endpoints: env.ENTERPRISE_ENDPOINTS ? JSON.parse(env.ENTERPRISE_ENDPOINTS) : undefined,
      masterKey: secrets.enterpriseKey,
      clock
    }),
    smsTemplates: templates,
    smsSignature: signature
  }
}

/** The SMS providers, by SMS_PROVIDER; each SDK is a chunk of its own, loaded on the first send. */
export function smsSenderFor (provider = 'sns', ctx: { secrets: Secrets, templates: SmsTemplates, signature: string }): SmsSender {
  switch (provider) {
    case 'sns': return lazySender(() => import('./sms-sns').then(m => m.snsSmsSender()))
    case 'aliyun': {
      const settings = required(ctx.secrets.sms?.aliyun, provider)
      return lazySender(() => import('./sms-aliyun').then(m => m.aliyunSmsSender(settings, ctx.signature)))
    }
    case 'tencent': {
      const settings = required(ctx.secrets.sms?.tencent, provider)
      return lazySender(() => import('./sms-tencent').then(m => m.tencentSmsSender(settings, ctx.templates, ctx.signature)))
    }
    default: throw new Error(`unknown SMS_PROVIDER ${provider}`)
  }
}

function required<T> (settings: T | undefined, provider: string): T {
  if (!settings) throw new Error(`SMS_PROVIDER ${provider}: the secrets parameter has no sms.${provider} entry`)
  return settings
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
