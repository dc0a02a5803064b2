// Everything a deployment may vary, resolved once from CDK context (cdk.json or `-c key=value`).
// Defaults make `cdk synth` work on a fresh clone with no AWS account and no flags.
// the functions' own default, so an unset signature means the same thing deployed and locally
import { DEFAULT_SIGNATURE } from '@yzt/functions/sms-templates'
import { SMS_PROVIDERS, type SmsProvider } from './sms'

export type Stage = 'dev' | 'prod'

export interface StageConfig {
  readonly stage: Stage
  /** deploy the mocked enterprises and point the enterprise client at them */
  readonly mockEnterprises: boolean
  /** real enterprise endpoints, `{id}` replaced by the enterprise id; required without the mocks */
  readonly enterpriseEndpointTemplate?: string
  /** SSM SecureString holding {"pepper","enterpriseKey"}; created by hand, never by this stack */
  readonly secretsParameter: string
  /** only for a customer-managed key: the default aws/ssm key already lets account principals decrypt via SSM */
  readonly secretsKmsKeyArn?: string
  readonly smsProvider: SmsProvider
  readonly smsSignature: string
  /** the H5 build's origin; mini-program origins are fixed in the stack */
  readonly h5Origin?: string
  readonly alipayAppId?: string
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'
  readonly alarmEmail?: string
  readonly throttle: { readonly rateLimit: number, readonly burstLimit: number }
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
  if (!mockEnterprises) {
    if (!enterpriseEndpointTemplate) throw new Error(`stage ${stage} has no mocked enterprises: pass -c enterpriseEndpointTemplate=https://…/{id}/…`)
    if (!/^https:\/\/.+\{id\}/.test(enterpriseEndpointTemplate)) throw new Error('enterpriseEndpointTemplate must be an https URL containing {id}')
  }

  const smsProvider = (str(ctx, 'smsProvider') ?? 'sns') as SmsProvider
  if (!(smsProvider in SMS_PROVIDERS)) throw new Error(`context smsProvider must be one of ${Object.keys(SMS_PROVIDERS).join(', ')}, got ${smsProvider}`)

  const logLevel = (str(ctx, 'logLevel') ?? 'INFO') as StageConfig['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`context logLevel must be one of ${LOG_LEVELS.join(', ')}`)

  return {
    stage,
    mockEnterprises,
    enterpriseEndpointTemplate: mockEnterprises ? undefined : enterpriseEndpointTemplate,
    secretsParameter: str(ctx, 'secretsParameter') ?? `/yzt/${stage}/secrets`,
    secretsKmsKeyArn: str(ctx, 'secretsKmsKeyArn'),
    smsProvider,
    smsSignature: str(ctx, 'smsSignature') ?? DEFAULT_SIGNATURE,
    // Taro's H5 dev server, so a local H5 build can talk to the dev stack
    h5Origin: str(ctx, 'h5Origin') ?? (stage === 'dev' ? 'http://localhost:10086' : undefined),
    alipayAppId: str(ctx, 'alipayAppId'),
    logLevel,
    alarmEmail: str(ctx, 'alarmEmail'),
    throttle: stage === 'prod' ? { rateLimit: 100, burstLimit: 200 } : { rateLimit: 20, burstLimit: 40 }
  }
}
