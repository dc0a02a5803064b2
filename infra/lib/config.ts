// Everything a deployment may vary, resolved once from CDK context (cdk.json or `-c key=value`).
// Defaults make `cdk synth` work on a fresh clone with no AWS account and no flags.
// the functions' own default, so an unset signature means the same thing deployed and locally
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DEFAULT_SIGNATURE } from '@yzt/functions/domain/sms-templates'
// the document's schema from a dependency-free module: no logger, HTTP client or SDK in the CDK app
import { EnterpriseDocument, parseEnterpriseConfig } from '@yzt/functions/infra-shared/enterprise-document'
import { catalogue } from '@yzt/functions/catalogue'
import { SMS_PROVIDERS, type SmsProvider } from './sms'

export type Stage = 'dev' | 'prod'

export interface StageConfig {
  readonly stage: Stage
  /** deploy the mocked enterprises and point the enterprise client at them */
  readonly mockEnterprises: boolean
  /** real enterprise endpoints, `{id}` replaced by the enterprise id; without the mocks, required unless the document names every endpoint */
  readonly enterpriseEndpointTemplate?: string
  /** the enterprise configuration document (catalogue, endpoints): the demo catalogue, or `-c enterprisesFile=…` */
  readonly enterprises: EnterpriseDocument
  /** SSM SecureString holding {"pepper","enterpriseKey"}; created by hand, never by this stack */
  readonly secretsParameter: string
  /** only for a customer-managed key: the default aws/ssm key already lets account principals decrypt via SSM */
  readonly secretsKmsKeyArn?: string
  /** the real-name check: the subscriber table, or the carriers' signed HTTP endpoints */
  readonly carrierGateway: 'table' | 'http'
  /** with `http`: {"cmcc"|"cucc"|"ctcc"|"cbn": https URL} */
  readonly carrierEndpoints?: Readonly<Record<string, string>>
  readonly smsProvider: SmsProvider
  readonly smsSignature: string
  /** the H5 build's origin; mini-program origins are fixed in the stack */
  readonly h5Origin?: string
  readonly alipayAppId?: string
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'
  readonly alarmEmail?: string
  readonly throttle: { readonly rateLimit: number, readonly burstLimit: number }
  /**
   * apply the functions' declared reserved concurrency. On by default in prod; off in dev, because
   * a new account's concurrency quota (often 10) cannot spare any reservation
   */
  readonly reservedConcurrency: boolean
  /**
   * public holidays (China dates, YYYY-MM-DD, sorted, no repeats) that do not count as working days in
   * the deadlines of release notices and resolution cases; the functions that compute one get them as HOLIDAYS
   */
  readonly holidays: readonly string[]
  /** where enterprises call back (a custom domain, https, no trailing slash): CALLBACK_BASE_URL; unset, the API's own domain */
  readonly callbackBaseUrl?: string
}

type Context = (key: string) => unknown

const STAGES: readonly Stage[] = ['dev', 'prod']
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const

function str (ctx: Context, key: string): string | undefined {
  const v = ctx(key)
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') throw new Error(`context ${key} must be a string`)
  return v
}

// `-c flag=false` arrives as the string "false"
function bool (ctx: Context, key: string): boolean | undefined {
  const v = ctx(key)
  if (v === undefined || v === null || v === '') return undefined
  if (v === true || v === 'true') return true
  if (v === false || v === 'false') return false
  throw new Error(`context ${key} must be true or false, got ${String(v)}`)
}

export function resolveConfig (ctx: Context): StageConfig {
  const stage = (str(ctx, 'stage') ?? 'dev') as Stage
  if (!STAGES.includes(stage)) throw new Error(`context stage must be one of ${STAGES.join(', ')}, got ${stage}`)

  const mockEnterprises = bool(ctx, 'mockEnterprises') ?? stage === 'dev'
  const enterpriseEndpointTemplate = str(ctx, 'enterpriseEndpointTemplate')
  const enterprises = enterpriseDocument(str(ctx, 'enterprisesFile'))
  if (!mockEnterprises) {
    if (enterpriseEndpointTemplate && !/^https:\/\/.+\{id\}/.test(enterpriseEndpointTemplate)) throw new Error('enterpriseEndpointTemplate must be an https URL containing {id}')
    let endpoints: Readonly<Record<string, string>>
    try {
      endpoints = parseEnterpriseConfig(enterprises, enterpriseEndpointTemplate).endpoints
    } catch (err) {
      throw new Error(`stage ${stage} has no mocked enterprises: every enterprise needs an endpoint — pass -c enterpriseEndpointTemplate=https://…/{id}/… or name them in the enterprisesFile (${(err as Error).message})`, { cause: err })
    }
    const plain = Object.entries(endpoints).find(([, url]) => !url.startsWith('https://'))
    if (plain) throw new Error(`the endpoint of ${plain[0]} must be https`)
  } else {
    // the mocked enterprises' URL is known at deploy time only: any template validates the rest
    parseEnterpriseConfig(enterprises, 'https://mock.invalid/{id}')
  }

  const carrierGateway = (str(ctx, 'carrierGateway') ?? 'table') as StageConfig['carrierGateway']
  if (!['table', 'http'].includes(carrierGateway)) throw new Error(`context carrierGateway must be table or http, got ${carrierGateway}`)
  const carrierEndpoints = carrierGateway === 'http' ? parseCarrierEndpoints(str(ctx, 'carrierEndpoints')) : undefined

  const smsProvider = (str(ctx, 'smsProvider') ?? 'sns') as SmsProvider
  if (!(smsProvider in SMS_PROVIDERS)) throw new Error(`context smsProvider must be one of ${Object.keys(SMS_PROVIDERS).join(', ')}, got ${smsProvider}`)

  const logLevel = (str(ctx, 'logLevel') ?? 'INFO') as StageConfig['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`context logLevel must be one of ${LOG_LEVELS.join(', ')}`)

  return {
    stage,
    mockEnterprises,
    enterpriseEndpointTemplate: mockEnterprises ? undefined : enterpriseEndpointTemplate,
    enterprises,
    secretsParameter: str(ctx, 'secretsParameter') ?? `/yzt/${stage}/secrets`,
    secretsKmsKeyArn: str(ctx, 'secretsKmsKeyArn'),
    carrierGateway,
    carrierEndpoints,
    smsProvider,
    smsSignature: str(ctx, 'smsSignature') ?? DEFAULT_SIGNATURE,
    // Taro's H5 dev server, so a local H5 build can talk to the dev stack
    h5Origin: str(ctx, 'h5Origin') ?? (stage === 'dev' ? 'http://localhost:10086' : undefined),
    alipayAppId: str(ctx, 'alipayAppId'),
    logLevel,
    alarmEmail: str(ctx, 'alarmEmail'),
    throttle: stage === 'prod' ? { rateLimit: 100, burstLimit: 200 } : { rateLimit: 20, burstLimit: 40 },
    reservedConcurrency: bool(ctx, 'reservedConcurrency') ?? stage === 'prod',
    holidays: parseHolidays(ctx('holidays')),
    callbackBaseUrl: parseCallbackBaseUrl(str(ctx, 'callbackBaseUrl'))
  }
}

/**
 * `-c holidays=2027-01-01,2027-02-05`, or a JSON array of dates in cdk.json's context: real dates,
 * returned sorted and without repeats (working days count in China time, so these are China dates)
 */
export function parseHolidays (value: unknown): string[] {
  if (value === undefined || value === null || value === '') return []
  const items = typeof value === 'string' ? value.split(',') : value
  if (!Array.isArray(items)) throw new Error('context holidays must be comma-separated dates (YYYY-MM-DD) or an array of them')
  const dates = items.map(d => typeof d === 'string' ? d.trim() : d).filter(d => d !== '')
  for (const d of dates) {
    if (typeof d !== 'string' || !isRealDate(d)) throw new Error(`context holidays: ${String(d)} is not a date (YYYY-MM-DD)`)
  }
  return [...new Set(dates as string[])].sort()
}

function isRealDate (d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false
  // a month that does not exist is no date at all; a day that does not exist (2027-02-30) comes back as another day
  const t = Date.parse(`${d}T00:00:00Z`)
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d
}

function parseCallbackBaseUrl (url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`context callbackBaseUrl must be an https URL, got ${url}`)
  }
  if (parsed.protocol !== 'https:') throw new Error(`context callbackBaseUrl must be an https URL, got ${url}`)
  if (url.endsWith('/')) throw new Error(`context callbackBaseUrl must not end with a slash, got ${url}`)
  if (parsed.search || parsed.hash || parsed.username || parsed.password) throw new Error(`context callbackBaseUrl must be an origin or a path, without query, fragment or credentials, got ${url}`)
  return url
}

/** the document in `file` (relative to the working directory), checked by the functions' own schema; else the demo catalogue */
function enterpriseDocument (file: string | undefined): EnterpriseDocument {
  if (!file) return { enterprises: [...catalogue.enterprises] }
  const text = fs.readFileSync(path.resolve(file), 'utf8')
  return EnterpriseDocument.parse(JSON.parse(text))
}

const CARRIER_IDS = ['cmcc', 'cucc', 'ctcc', 'cbn']

function parseCarrierEndpoints (json: string | undefined): Record<string, string> {
  if (!json) throw new Error('carrierGateway=http needs -c carrierEndpoints=\'{"cmcc":"https://…","cucc":…,"ctcc":…,"cbn":…}\'')
  const endpoints = JSON.parse(json) as Record<string, unknown>
  for (const [id, url] of Object.entries(endpoints)) {
    if (!CARRIER_IDS.includes(id)) throw new Error(`carrierEndpoints: unknown carrier ${id} (one of ${CARRIER_IDS.join(', ')})`)
    if (typeof url !== 'string' || !url.startsWith('https://')) throw new Error(`carrierEndpoints: the endpoint of ${id} must be an https URL`)
  }
  return endpoints as Record<string, string>
}
