// Which SMS sender the local runtime uses. By default the simulated carrier (terminal, GET /dev/sms);
// SMS_PROVIDER=aliyun|tencent sends through that provider's real SDK instead, to its sandbox or to a
// fake, with the settings the deployed secrets parameter holds under sms.<provider>, given here as JSON
// in SMS_ALIYUN / SMS_TENCENT (endpoint and protocol included: "127.0.0.1:9000", "http" for a fake).
import * as z from 'zod'
import { AliyunSmsSettings, loadSecrets, TencentSmsSettings, type Secrets, type SecretsSource } from '#adapters/secrets'

/** locally no provider posts receipts to us unless the developer sets a token of their own */
const LOCAL_RECEIPT_TOKEN = 'local-receipt-token-not-secret-0000000'

const SETTINGS = { aliyun: { env: 'SMS_ALIYUN', schema: AliyunSmsSettings }, tencent: { env: 'SMS_TENCENT', schema: TencentSmsSettings } } as const

/** undefined: the simulated carrier; otherwise the secrets with the chosen provider's settings */
export function localSmsSecrets (env: Record<string, string | undefined>): SecretsSource | undefined {
  const provider = env.SMS_PROVIDER
  if (provider === undefined || provider === '' || provider === 'local') return undefined
  if (provider !== 'aliyun' && provider !== 'tencent') throw new Error(`SMS_PROVIDER=${provider}: locally one of local, aliyun, tencent`)
  const { env: name, schema } = SETTINGS[provider]
  let json: unknown
  try { json = JSON.parse(env[name] ?? '') } catch { throw new Error(`SMS_PROVIDER=${provider} needs ${name}: the provider's settings as JSON`) }
  const parsed = schema.safeParse({ receiptToken: LOCAL_RECEIPT_TOKEN, ...(json as object) })
  if (!parsed.success) throw new Error(`${name}: ${z.prettifyError(parsed.error)}`)
  const sms: Secrets['sms'] = { [provider]: parsed.data }
  let secrets: Promise<Secrets> | undefined
  return { get: () => (secrets ??= loadSecrets(env).then(s => ({ ...s, sms }))) }
}
