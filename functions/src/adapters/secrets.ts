// The hashing pepper and the enterprise master key. Deployed: one SSM SecureString (JSON), read
// through Powertools with a 5-minute cache. Local: environment variables, or fixed dev values.
import * as z from 'zod'

export const Secrets = z.object({ pepper: z.string().min(16), enterpriseKey: z.string().min(16) })
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
