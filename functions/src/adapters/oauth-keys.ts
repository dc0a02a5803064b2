// Where the CAMARA API's token signing keys come from: the secrets parameter (rotated there: the new
// key becomes `current`, the old one `previous` for at least a token's lifetime), or, off Lambda only,
// a fixed public development key (like the dev pepper: anyone can mint tokens with it, so never deployed).
import type { OAuthSigningKeys, Secrets } from './secrets'

export const DEV_OAUTH_SIGNING_KEYS: OAuthSigningKeys = {
  current: {
    kid: 'dev-1',
    kty: 'EC',
    crv: 'P-256',
    x: 'hs9OnVhRY8-ngETZ_jzqbVZVZZnucrn3hLzHHuI8Gtk',
    y: 'GvUBoHd_GaJXb7LwtYCVZ307owqtvkiG9VCmMMAON8M',
    d: '4_pPNoHd2HRYzaun4ZsQX4uW6t_CtGKMBr6gFZE6kY4'
  }
}

export function oauthSigningKeys (secrets: Secrets, env: Record<string, string | undefined> = process.env): OAuthSigningKeys {
  if (secrets.oauthSigningKeys) return secrets.oauthSigningKeys
  // deployed without keys: the OAuth routes answer 503 until the parameter has them (infra/README.md)
  if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('the secrets parameter has no oauthSigningKeys: the OAuth routes are unavailable')
  return DEV_OAUTH_SIGNING_KEYS
}
