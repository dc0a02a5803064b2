// The composition root: builds every adapter from the environment, once per Lambda container. The
// deployed settings come through one typed accessor (infra-shared/environment, where each function's
// variables are declared by its flags); nothing runs at import.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import type { AlertStore, CallerStore, CarrierGateway, CaseStore, Clock, DisputeGateway, EnterpriseGateway, Hasher, LifecycleStore, NoticeGateway, OutboxStore, QueryStore, Random, ResultCodeStore, Sealer, SmsSender, SubscriberStore, VerificationStore } from '#ports'
import { DEFAULT_SIGNATURE, smsTemplates, type SmsTemplates } from '#domain/sms-templates'
import { timedGateway } from '#lib/metrics'
import { EnterpriseBreakers } from '#domain/breaker'
import { isPaused } from '#catalogue/index'
import { CARRIER_IDS } from '#domain/carriers'
import { holderSince } from '#domain/number-history'
import { callerKeys, enterpriseKey, type CallerKind } from '#lib/signing'
import { deployedSettings, type DeployedSettings } from '#infra-shared/environment'
import type { SignedRouteDeps } from '#lib/signed-route'
import { httpCarrierGateway, tableCarrierGateway } from './carrier'
import { clockFromEnv } from './clock'
import { aesSealer, cryptoRandom, hmacHasher } from './crypto'
import { DynamoAlertStore } from './dynamo/alert-store'
import { DynamoCaseStore } from './dynamo/case-store'
import { DynamoBreakerStore } from './dynamo/breaker-store'
import { makeDocClient, tableNames, type Doc } from './dynamo/client'
import { DynamoOutboxStore } from './dynamo/outbox-store'
import { DynamoQueryStore } from './dynamo/query-store'
import { DynamoResultCodeStore } from './dynamo/result-code-store'
import { DynamoSubscriberStore } from './dynamo/subscriber-store'
import { DynamoVerificationStore } from './dynamo/verification-store'
import { enterpriseConfigSource, type EnterpriseConfig } from './enterprise-config'
import { DynamoLifecycleStore } from './dynamo/lifecycle-store'
import { DynamoCallerStore } from './dynamo/caller-store'
import { httpEnterpriseGateway } from './enterprise-http'
import { httpDisputeGateway, httpNoticeGateway, type SignedPostConfig } from './enterprise-messages'
import { cachedSecrets, loadSecrets, masterKeysOf, refuseDevSecretsOnLambda, type SecretsSource } from './secrets'

/** What a function that never reads the secrets parameter gets: the stores, the clock, the SMS sender. */
export interface StoreRuntime {
  clock: Clock
  doc: Doc
  subscribers: SubscriberStore
  verification: VerificationStore
  queries: QueryStore
  outbox: OutboxStore
  /** resolution cases (a case's token needs no secret to check: GET /v1/cases reads no secret) */
  cases: CaseStore
  /** binding alerts: subscriptions (hashes), enterprise rows, alert state, reported bindings */
  alerts: AlertStore
  /** 查看明细: result codes (keyed hashes) and the results they open */
  resultCodes: ResultCodeStore
  smsSignature: string
}

export interface Runtime extends StoreRuntime {
  random: Random
  hasher: Hasher
  /** catalogue and endpoints, reloaded by age: always ask, never keep */
  enterprises: () => Promise<EnterpriseConfig>
  /** read at use time: re-read from SSM once older than 5 minutes */
  secrets: SecretsSource
  gateway: EnterpriseGateway
  /** the real-name check: the subscriber table, or the carriers' signed endpoints (CARRIER_GATEWAY=http) */
  carrier: CarrierGateway
  /** one set of circuit breakers per container, sharing open periods through DynamoDB */
  breakers: EnterpriseBreakers
  sms: SmsSender
  /** how the SMS dispatcher waits between provider tries (unset: a timer; tests shorten it) */
  smsSleep?: (ms: number) => Promise<void>
  /** the SMS templates of the current catalogue (the result template names every app) */
  templates: () => Promise<SmsTemplates>
  lifecycle: LifecycleStore
  /** the signed routes' replay marks, rate buckets and the platforms' audit (CallerLedger) */
  callerLedger: CallerStore
  notices: NoticeGateway
  /** public holidays (China dates) for working-day deadlines: HOLIDAYS="2026-10-01,2026-10-02" */
  holidays: ReadonlySet<string>
  /** what a signed route needs to authenticate its callers of each kind: their keys now, replay marks, the clock */
  callers: Record<CallerKind, SignedRouteDeps>
  /** when the number's current holder got it, if it was re-issued (from the number's history) */
  holderSince: (phone: string) => Promise<number | undefined>
  /** resolution cases: the number sealed for the case SMS, and the disputes to the enterprises */
  sealer: Sealer
  disputes: DisputeGateway
  /**
   * where enterprises call back (CALLBACK_BASE_URL: a custom domain); unset deployed, the API's own
   * domain from the request is used; the local runtime sets it once its API listens
   */
  publicUrl?: string
  /** binding alerts: the key an enterprise computes its subscription HMACs with (its key under the current master key) */
  subscriptionKey: (enterpriseId: string) => Promise<string>
}

export interface RuntimeOptions {
  env?: Record<string, string | undefined>
  clock?: Clock
  random?: Random
  dynamo?: DynamoDBClientConfig
  sms?: SmsSender
  gateway?: EnterpriseGateway
  secrets?: SecretsSource
}

/** The stores, the clock and the SMS sender: no secret is read (and none is granted) for these. */
export function buildStoreRuntime (options: RuntimeOptions = {}): StoreRuntime {
  const env = options.env ?? process.env
  const settings = deployedSettings(env)
  const doc = makeDocClient(options.dynamo)
  const tables = tableNames(env)
  return {
    clock: options.clock ?? clockFromEnv(env),
    doc,
    subscribers: new DynamoSubscriberStore(doc, tables),
    verification: new DynamoVerificationStore(doc, tables),
    queries: new DynamoQueryStore(doc, tables),
    outbox: new DynamoOutboxStore(doc, tables),
    cases: new DynamoCaseStore(doc, tables),
    alerts: new DynamoAlertStore(doc, tables),
    resultCodes: new DynamoResultCodeStore(doc, tables),
    smsSignature: settings.smsSignature ?? DEFAULT_SIGNATURE
  }
}

export async function buildRuntime (options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env
  // a function that reads secrets refuses, before anything else, to run on Lambda with the public dev ones
  refuseDevSecretsOnLambda(env)
  const settings = deployedSettings(env)
  const stores = buildStoreRuntime(options)
  const clock = stores.clock
  const secrets = options.secrets ?? cachedSecrets(() => loadSecrets(env), clock)
  // the pepper keys every stored hash: it is read once and never rotated under a running function
  const { pepper } = await secrets.get()
  const enterprises = enterpriseConfigSource(env)
  const templates = async () => smsTemplates((await enterprises()).catalogue)
  const hasher = hmacHasher(pepper)
  const lifecycle = new DynamoLifecycleStore(stores.doc, tableNames(env))
  const callerLedger = new DynamoCallerStore(stores.doc, tableNames(env))
  const { deployed } = settings
  const masterKeys = async () => masterKeysOf(await secrets.get())
  // an enterprise's connector takes release notices and disputes beside its account counts
  const besideCounts = (path: string): SignedPostConfig => ({
    endpoint: async id => {
      const { catalogue, endpoints } = await enterprises()
      // a paused enterprise is sent nothing: the message stays for a later try (notices and disputes wait)
      if (isPaused(catalogue, id)) throw new Error(`enterprise ${id} is paused by configuration`)
      return endpoints[id]?.replace(/account-counts$/, path)
    },
    masterKeys,
    clock,
    deployed
  })
  const callerAuth = (kind: CallerKind, exists: (id: string) => Promise<boolean>): SignedRouteDeps => ({
    keysFor: async id => await exists(id) ? callerKeys(masterKeysOf(await secrets.get()), kind, id, clock.now()) : [],
    firstUse: (signature, now) => callerLedger.firstUse(signature, now),
    now: () => clock.now()
  })
  return {
    ...stores,
    sms: options.sms ?? smsSenderFor(settings.smsProvider, { secrets, templates, signature: stores.smsSignature }),
    templates,
    random: options.random ?? cryptoRandom,
    hasher,
    enterprises,
    carrier: carrierGatewayFor(settings, { subscribers: stores.subscribers, hasher, masterKey: (await secrets.get()).enterpriseKey, clock }),
    secrets,
    gateway: options.gateway ?? timedGateway(httpEnterpriseGateway({
      endpoint: async id => (await enterprises()).endpoints[id],
      masterKeys,
      clock,
      deployed
    })),
    breakers: new EnterpriseBreakers(clock, new DynamoBreakerStore(stores.doc, tableNames(env))),
    lifecycle,
    callerLedger,
    holderSince: async phone => holderSince((await lifecycle.histories([hasher.phone(phone)])).get(hasher.phone(phone))),
    notices: httpNoticeGateway(besideCounts('number-events')),
    disputes: httpDisputeGateway(besideCounts('disputes')),
    sealer: aesSealer(pepper),
    ...(settings.callbackBaseUrl && { publicUrl: settings.callbackBaseUrl }),
    subscriptionKey: async id => enterpriseKey((await masterKeys()).current, id),
    holidays: settings.holidays,
    callers: {
      carrier: callerAuth('carrier', async id => CARRIER_IDS.includes(id)),
      enterprise: callerAuth('enterprise', async id => (await enterprises()).catalogue.enterprises.some(e => e.id === id))
    }
  }
}

/** CARRIER_GATEWAY: `table` (default; the subscriber table) or `http` (CARRIER_ENDPOINTS: {"cmcc": URL, …}) */
export function carrierGatewayFor (
  settings: Pick<DeployedSettings, 'carrierGateway' | 'carrierEndpoints'>,
  deps: { subscribers: SubscriberStore, hasher: Hasher, masterKey: string, clock: Clock }
): CarrierGateway {
  switch (settings.carrierGateway) {
    case 'table': return tableCarrierGateway(deps.subscribers, deps.hasher)
    case 'http': return httpCarrierGateway({ endpoints: settings.carrierEndpoints, masterKey: deps.masterKey, clock: deps.clock })
    default: throw new Error(`unknown CARRIER_GATEWAY ${settings.carrierGateway}`)
  }
}

/** The SMS providers, by SMS_PROVIDER; each SDK is a chunk of its own, loaded on the first send. */
export function smsSenderFor (
  provider = 'sns',
  ctx: { secrets: SecretsSource, templates: () => Promise<SmsTemplates>, signature: string }
): SmsSender {
  switch (provider) {
    case 'sns': return lazySender(() => import('./sms-sns').then(m => m.snsSmsSender()))
    case 'aliyun': return lazySender(async () => {
      const settings = required((await ctx.secrets.get()).sms?.aliyun, provider)
      return import('./sms-aliyun').then(m => m.aliyunSmsSender(settings, ctx.signature))
    })
    case 'tencent': return lazySender(async () => {
      const settings = required((await ctx.secrets.get()).sms?.tencent, provider)
      return import('./sms-tencent').then(m => m.tencentSmsSender(settings, ctx.templates, ctx.signature))
    })
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

let stores: StoreRuntime | undefined
/** one store runtime per container, for the functions that never read the secrets parameter */
export function storeRuntime (): Promise<StoreRuntime> {
  stores ??= buildStoreRuntime()
  return Promise.resolve(stores)
}
