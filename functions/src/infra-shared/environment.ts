// Every environment variable a deployed function gets, declared once by the flag of its
// FunctionDefinition that brings it. The CDK stack sets exactly these (environmentFor); the runtime
// reads them through one typed accessor (deployedSettings); infra/test/environment.test.ts holds the
// two together and checks that the functions' code reads no other.
import * as z from 'zod'
import type { FunctionDefinition, FunctionName, FUNCTIONS } from './functions'
import { TABLES, type TableKey } from './tables'

/** What a stage decides, as the stack knows it: the values behind the variables. */
export interface StageSettings {
  metricsNamespace: string
  logLevel: string
  /** the parameter's name only: functions fetch and decrypt the value at run time, with caching */
  secretsParameter: string
  smsProvider: string
  smsSignature: string
  carrierGateway: string
  carrierEndpoints?: Readonly<Record<string, string>>
  holidays: readonly string[]
  /** a plain string, never a reference to the API: the function sits behind that API (circular dependency) */
  callbackBaseUrl?: string
  /** where the enterprise configuration document is (AppConfig ids, tokens in the stack) */
  enterprisesDocument: { application: string, environment: string, profile: string }
  /** deployed table names */
  tableNames: Readonly<Record<TableKey, string>>
}

type Flag = 'readsSecrets' | 'sendsSms' | 'checksCarrier' | 'countsWorkingDays' | 'givesCallbackUrl' | 'readsEnterprises' | 'mockOnly'

/**
 * The declaration: each flag → the variables it brings. A value left undefined is not set (the stage
 * names none); the key is still declared, so the code may read it.
 */
const BY_FLAG = {
  always: (s: StageSettings) => ({
    POWERTOOLS_SERVICE_NAME: 'yzt',
    POWERTOOLS_METRICS_NAMESPACE: s.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: s.logLevel,
    NODE_OPTIONS: '--enable-source-maps'
  }),
  // only these get the parameter's name (and the grant to read it): the others never build the secrets runtime
  readsSecrets: (s: StageSettings) => ({ SECRETS_PARAMETER: s.secretsParameter }),
  sendsSms: (s: StageSettings) => ({ SMS_PROVIDER: s.smsProvider, SMS_SIGNATURE: s.smsSignature }),
  checksCarrier: (s: StageSettings) => ({
    CARRIER_GATEWAY: s.carrierGateway,
    CARRIER_ENDPOINTS: s.carrierEndpoints && JSON.stringify(s.carrierEndpoints)
  }),
  // unset when the stage names none: no holidays
  countsWorkingDays: (s: StageSettings) => ({ HOLIDAYS: s.holidays.length ? s.holidays.join(',') : undefined }),
  // unset when the stage names none: the callback URL from the request's own domain
  givesCallbackUrl: (s: StageSettings) => ({ CALLBACK_BASE_URL: s.callbackBaseUrl }),
  readsEnterprises: (s: StageSettings) => ({
    ENTERPRISES_APPCONFIG_APPLICATION: s.enterprisesDocument.application,
    ENTERPRISES_APPCONFIG_ENVIRONMENT: s.enterprisesDocument.environment,
    ENTERPRISES_APPCONFIG_PROFILE: s.enterprisesDocument.profile
  }),
  // the mocked enterprise learns the stage's API URL once the API exists (infra/lib/apis.ts sets it)
  mockOnly: () => ({ YZT_API_URL: undefined as string | undefined })
} satisfies Record<Flag | 'always', (s: StageSettings) => Record<string, string | undefined>>

/** Set by Lambda itself, read by the code: never declared by a flag. */
export const LAMBDA_PROVIDED = ['AWS_LAMBDA_FUNCTION_NAME'] as const

/** Written by the code itself before a library reads it (lib/metrics: metrics off unless on Lambda). */
export const SET_BY_CODE = ['POWERTOOLS_METRICS_DISABLED'] as const

/**
 * Read by the code only where the stack never runs it: the local runtime, tests and scripts set them
 * (a frozen clock, dev secrets, local enterprise endpoints). On Lambda they are absent, and the code
 * must (and does) work without them.
 */
export const LOCAL_ONLY = [
  'YZT_NOW', 'YZT_SECRETS_FILE', 'YZT_PEPPER', 'YZT_ENTERPRISE_KEY', 'YZT_OAUTH_SIGNING_KEYS',
  'ENTERPRISES_FILE', 'ENTERPRISES_MAX_AGE_SECONDS', 'ENTERPRISE_ENDPOINT_TEMPLATE', 'ENTERPRISE_ENDPOINTS',
  // the mocked enterprise's faults: set by hand on a dev stage's mock, never by the stack
  'MOCK_FAULTS'
] as const

type FlagsOf<D> = { [F in Flag]: D extends { readonly [K in F]: true } ? F : never }[Flag]
type TableVars<D> = D extends { readonly tables: infer T } ? { [K in keyof T & TableKey]: (typeof TABLES)[K]['envVar'] }[keyof T & TableKey] : never
/** the variable names a function of this definition is given: its table names, and those of its flags */
type VarsOfFlag = { [F in keyof typeof BY_FLAG]: keyof ReturnType<(typeof BY_FLAG)[F]> }
export type EnvVarOf<D> = VarsOfFlag['always' | FlagsOf<D>] | TableVars<D>
/** the environment of one named function, typed from its declaration */
export type FunctionEnv<N extends FunctionName> = Partial<Record<EnvVarOf<(typeof FUNCTIONS)[N]>, string>>

function flagsOf (def: FunctionDefinition): (Flag | 'always')[] {
  return ['always', ...(Object.keys(BY_FLAG) as Flag[]).filter(f => f !== ('always' as string) && (def as Partial<Record<Flag, boolean>>)[f] === true)]
}

/** The stack's side: exactly the variables this definition declares, with the stage's values (unset ones left out). */
export function environmentFor (def: FunctionDefinition, stage: StageSettings): Record<string, string> {
  const all: Record<string, string | undefined> = {}
  for (const flag of flagsOf(def)) Object.assign(all, BY_FLAG[flag](stage))
  for (const key of Object.keys(def.tables) as TableKey[]) all[TABLES[key].envVar] = stage.tableNames[key]
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined))
}

const SAMPLE: StageSettings = {
  metricsNamespace: '', logLevel: '', secretsParameter: '', smsProvider: '', smsSignature: '', carrierGateway: '',
  holidays: [], enterprisesDocument: { application: '', environment: '', profile: '' },
  tableNames: Object.fromEntries(Object.keys(TABLES).map(k => [k, ''])) as Record<TableKey, string>
}

/** Every variable this definition declares, set by the stage or not. */
export function declaredVars (def: FunctionDefinition): string[] {
  const names = flagsOf(def).flatMap(flag => Object.keys(BY_FLAG[flag](SAMPLE)))
  return [...names, ...(Object.keys(def.tables) as TableKey[]).map(k => TABLES[k].envVar)].sort()
}

/** Every variable any flag declares (the tables' names included). */
export function allDeclaredVars (): string[] {
  const names = (Object.keys(BY_FLAG) as (Flag | 'always')[]).flatMap(flag => Object.keys(BY_FLAG[flag](SAMPLE)))
  return [...new Set([...names, ...Object.values(TABLES).map(t => t.envVar)])].sort()
}

const csv = z.string().optional().transform(v => new Set((v ?? '').split(',').map(d => d.trim()).filter(Boolean)) as ReadonlySet<string>)

const Settings = z.object({
  SMS_PROVIDER: z.string().optional(),
  SMS_SIGNATURE: z.string().optional(),
  CARRIER_GATEWAY: z.string().optional().transform(v => v ?? 'table'),
  CARRIER_ENDPOINTS: z.string().optional().transform(v => JSON.parse(v ?? '{}') as unknown).pipe(z.record(z.string(), z.string())),
  HOLIDAYS: csv,
  CALLBACK_BASE_URL: z.string().optional().transform(v => v ? v.replace(/\/$/, '') : undefined),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional()
})

/** The runtime's side: the declared settings a function reads, parsed once (absent flags: their defaults). */
export interface DeployedSettings {
  /** undefined: the provider's default (sns) */
  smsProvider?: string
  /** undefined: the catalogue's default signature */
  smsSignature?: string
  /** `table` (default) or `http` */
  carrierGateway: string
  carrierEndpoints: Record<string, string>
  /** public holidays (China dates) for working-day deadlines */
  holidays: ReadonlySet<string>
  /** where enterprises call back, without a trailing slash */
  callbackBaseUrl?: string
  /** running on Lambda (Lambda sets the function's name) */
  deployed: boolean
}

export function deployedSettings (env: Record<string, string | undefined> = process.env): DeployedSettings {
  const v = Settings.parse(env)
  return {
    ...(v.SMS_PROVIDER !== undefined && { smsProvider: v.SMS_PROVIDER }),
    ...(v.SMS_SIGNATURE !== undefined && { smsSignature: v.SMS_SIGNATURE }),
    carrierGateway: v.CARRIER_GATEWAY,
    carrierEndpoints: v.CARRIER_ENDPOINTS,
    holidays: v.HOLIDAYS,
    ...(v.CALLBACK_BASE_URL && { callbackBaseUrl: v.CALLBACK_BASE_URL }),
    deployed: v.AWS_LAMBDA_FUNCTION_NAME !== undefined
  }
}
