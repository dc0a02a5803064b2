// The hashing pepper, the enterprise master key and the mainland SMS provider's account. Deployed: one
// SSM SecureString (JSON), read through Powertools with a 5-minute cache. Local: environment
// variables, or fixed dev values (the local runtime has its own SMS carrier).
import * as z from 'zod'

/** templateCodes / templateIds: our template id (sms-templates.ts) → the code the provider gave the registered text */
const TemplateCodes = z.record(z.string(), z.string().min(1))
/** the secret path segment of the receipt route for this provider (infra/README.md) */
const ReceiptToken = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/)

export const AliyunSmsSettings = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  templateCodes: TemplateCodes,
  /** host[:port]; tests point it at a loopback fake */
  endpoint: z.string().default('dysmsapi.aliyuncs.com'),
  protocol: z.enum(['https', 'http']).default('https'),
  receiptToken: ReceiptToken
})
export type AliyunSmsSettings = z.infer<typeof AliyunSmsSettings>

export const TencentSmsSettings = z.object({
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  smsSdkAppId: z.string().min(1),
  templateIds: TemplateCodes,
  region: z.string().default('ap-guangzhou'),
  endpoint: z.string().default('sms.tencentcloudapi.com'),
  protocol: z.enum(['https', 'http']).default('https'),
  receiptToken: ReceiptToken
})
export type TencentSmsSettings = z.infer<typeof TencentSmsSettings>

export const Secrets = z.object({
  pepper: z.string().min(16),
  enterpriseKey: z.string().min(16),
  sms: z.object({ aliyun: AliyunSmsSettings.optional(), tencent: TencentSmsSettings.optional() }).optional()
})
export type Secrets = z.infer<typeof Secrets>

export const DEV_SECRETS: Secrets = {
  pepper: 'local-development-pepper-not-secret',
  enterpriseKey: 'local-development-enterprise-key'
}

export async function loadSecrets (env: Record<string, string | undefined> = process.env): Promise<Secrets> {
  if (env.SECRETS_PARAMETER) {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm')
    return Secrets.parse(await getParameter(env.SECRETS_PARAMETER, { decrypt: true, transform: 'json', maxAge: 300 }))
  }
  return Secrets.parse({
    pepper: env.YZT_PEPPER ?? DEV_SECRETS.pepper,
    enterpriseKey: env.YZT_ENTERPRISE_KEY ?? DEV_SECRETS.enterpriseKey
  })
}
