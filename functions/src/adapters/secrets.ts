// The hashing pepper, the enterprise master key(s) and the mainland SMS provider's account. Deployed:
// one SSM SecureString (JSON), read again once the cached copy is older than 5 minutes, at the moment
// it is used, so a warm function picks up a rotated enterprise key. Local: environment variables, or
// fixed public dev values, or a local JSON file (YZT_SECRETS_FILE) (the local runtime has its own SMS carrier) — never on Lambda, where a
// missing SECRETS_PARAMETER stops the function instead.
import { readFile } from 'node:fs/promises'
import * as z from 'zod'
import type { Clock } from '#ports'
import type { MasterKeys } from '#lib/signing'

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

/** an ES256 private key (JWK) that signs OAuth access tokens; `kid` names it in the published JWKS */
export const OAuthSigningJwk = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1)
})
export type OAuthSigningJwk = z.infer<typeof OAuthSigningJwk>

/** `current` signs; `previous` (the key before a rotation) still verifies the tokens it signed (≤ 1 hour) and stays in the JWKS */
export const OAuthSigningKeys = z.object({ current: OAuthSigningJwk, previous: OAuthSigningJwk.optional() })
export type OAuthSigningKeys = z.infer<typeof OAuthSigningKeys>

const PreviousKey = z.object({ key: z.string().min(16), acceptUntil: z.iso.datetime({ offset: true }) })

/** an enterprise's own key (64 hex: 32 random bytes), and the one before it during a rotation */
export const OwnEnterpriseKey = z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), previous: PreviousKey.optional() })
export type OwnEnterpriseKey = z.infer<typeof OwnEnterpriseKey>

export const Secrets = z.object({
  pepper: z.string().min(16),
  /** signs every request to an enterprise without a key of its own (its key is derived from this one) */
  enterpriseKey: z.string().min(16),
  /** during a rotation: the master key before `enterpriseKey`, still accepted until `acceptUntil` */
  previousEnterpriseKey: PreviousKey.optional(),
  /** enterprise id → its own key (`npm run enterprise -- add | rotate`); rotated alone, independent of the master key */
  enterpriseKeys: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/), OwnEnterpriseKey).optional(),
  sms: z.object({ aliyun: AliyunSmsSettings.optional(), tencent: TencentSmsSettings.optional() }).optional(),
  /** the CAMARA API's token signing keys (adapters/oauth-keys.ts); without them the token endpoint is unavailable */
  oauthSigningKeys: OAuthSigningKeys.optional()
})
export type Secrets = z.infer<typeof Secrets>

export const DEV_SECRETS: Secrets = {
  pepper: 'local-development-pepper-not-secret',
  enterpriseKey: 'local-development-enterprise-key'
}

export const SECRETS_MAX_AGE_MS = 5 * 60 * 1000

/** the secrets as they are now: cached, re-read by age when asked */
export interface SecretsSource {
  get (): Promise<Secrets>
}

export function masterKeysOf (secrets: Secrets): MasterKeys {
  const previous = (p: z.infer<typeof PreviousKey> | undefined) => p && { key: p.key, acceptUntil: Date.parse(p.acceptUntil) }
  const own = Object.entries(secrets.enterpriseKeys ?? {})
  return {
    current: secrets.enterpriseKey,
    previous: previous(secrets.previousEnterpriseKey),
    ...(own.length > 0 && { enterprises: Object.fromEntries(own.map(([id, k]) => [id, { current: k.key, previous: previous(k.previous) }])) })
  }
}

export async function loadSecrets (env: Record<string, string | undefined> = process.env): Promise<Secrets> {
  if (env.SECRETS_PARAMETER) {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm')
    // our own cache decides when to read again: always fetch when asked
    return Secrets.parse(await getParameter(env.SECRETS_PARAMETER, { decrypt: true, transform: 'json', forceFetch: true }))
  }
  refuseDevSecretsOnLambda(env)
  // a local secrets document (the enterprise command writes the enterprises' own keys into it)
  if (env.YZT_SECRETS_FILE) return Secrets.parse(JSON.parse(await readFile(env.YZT_SECRETS_FILE, 'utf8')))
  return Secrets.parse({
    pepper: env.YZT_PEPPER ?? DEV_SECRETS.pepper,
    enterpriseKey: env.YZT_ENTERPRISE_KEY ?? DEV_SECRETS.enterpriseKey,
    ...(env.YZT_OAUTH_SIGNING_KEYS && { oauthSigningKeys: JSON.parse(env.YZT_OAUTH_SIGNING_KEYS) })
  })
}

/** on Lambda the secrets come from SSM or nowhere: the dev pepper and key are public */
export function refuseDevSecretsOnLambda (env: Record<string, string | undefined> = process.env): void {
  if (env.AWS_LAMBDA_FUNCTION_NAME && !env.SECRETS_PARAMETER) {
    throw new Error('SECRETS_PARAMETER is not set: on Lambda the secrets must come from SSM; refusing to start with the public development pepper and key')
  }
}

/**
 * One copy of the secrets, read again when it is older than maxAgeMs at the moment it is asked for.
 * Concurrent askers share one read; if a re-read fails, the copy in hand serves until the next try.
 */
export function cachedSecrets (load: () => Promise<Secrets>, clock: Clock, maxAgeMs = SECRETS_MAX_AGE_MS): SecretsSource {
  let held: { secrets: Secrets, readAt: number } | undefined
  let reading: Promise<Secrets> | undefined
  const read = () => {
    reading ??= load().then(secrets => {
      held = { secrets, readAt: clock.now() }
      return secrets
    }).finally(() => { reading = undefined })
    return reading
  }
  return {
    async get () {
      if (!held) return read()
      if (clock.now() - held.readAt < maxAgeMs) return held.secrets
      return read().catch(() => held!.secrets)
    }
  }
}
