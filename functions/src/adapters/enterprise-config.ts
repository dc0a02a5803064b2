// The enterprises a deployment talks to (catalogue, endpoints, guides, paused ones) as one JSON
// document read at run time with an age cache: a new enterprise, a pause or a resume is a change of
// that document, never a rebuild, and reaches every warm function within ENTERPRISES_MAX_AGE_SECONDS.
// Deployed: AWS AppConfig hosted configuration (ENTERPRISES_APPCONFIG_*; the stack validates every
// version against the JSON schema generated from the zod schema and deploys it by a strategy).
// Local: the file named by ENTERPRISES_FILE. Neither: the bundled demo catalogue.
//
// Powertools' AppConfig provider (the SDK's appconfigdata client) rather than the AppConfig Lambda
// extension: no layer to pin per region and architecture, no second process beside the function, and
// the cache age stays ours (one cache, of the parsed and validated document, not two).
import * as fs from 'node:fs/promises'
import { parseEnterpriseConfig, type EnterpriseConfig } from '#infra-shared/enterprise-document'
import { ageCached } from '#lib/age-cache'
import { logger } from '#lib/logger'

export { EnterpriseDocument, parseEnterpriseConfig, type EnterpriseConfig } from '#infra-shared/enterprise-document'

/** a pause or a resume reaches every warm function within this many seconds at most */
export const DEFAULT_MAX_AGE_SECONDS = 60
export const MAX_AGE_CEILING_SECONDS = 60

type Env = Record<string, string | undefined>

/** where the deployed document lives: the AppConfig application, environment and configuration profile */
export function appConfigLocation (env: Env): { application: string, environment: string, profile: string } | undefined {
  const { ENTERPRISES_APPCONFIG_APPLICATION: application, ENTERPRISES_APPCONFIG_ENVIRONMENT: environment, ENTERPRISES_APPCONFIG_PROFILE: profile } = env
  if (!application && !environment && !profile) return undefined
  if (!application || !environment || !profile) throw new Error('ENTERPRISES_APPCONFIG_APPLICATION, _ENVIRONMENT and _PROFILE go together')
  return { application, environment, profile }
}

async function readDocument (env: Env): Promise<unknown> {
  const appConfig = appConfigLocation(env)
  if (appConfig) {
    const { getAppConfig } = await import('@aws-lambda-powertools/parameters/appconfig')
    // forceFetch: the age is ours (below); AppConfig answers an unchanged version with nothing, and the
    // provider then returns the copy it holds
    return getAppConfig(appConfig.profile, { application: appConfig.application, environment: appConfig.environment, transform: 'json', forceFetch: true })
  }
  if (env.ENTERPRISES_FILE) return JSON.parse(await fs.readFile(env.ENTERPRISES_FILE, 'utf8'))
  // a chunk of its own in the bundles: loaded only where no document is configured
  const { default: data } = await import('../catalogue/enterprises.json')
  return data
}

export interface EnterpriseConfigSourceOptions {
  /** the raw document; by default from AppConfig, the file or the bundled catalogue (tests replace it) */
  read?: () => Promise<unknown>
  /** epoch ms, for the age */
  now?: () => number
}

/**
 * The configuration, reloaded when older than ENTERPRISES_MAX_AGE_SECONDS (default and at most 60).
 * Every load is validated with zod; a document that fails keeps the last good one in force.
 */
export function enterpriseConfigSource (env: Env = process.env, options: EnterpriseConfigSourceOptions = {}): () => Promise<EnterpriseConfig> {
  const maxAgeSeconds = env.ENTERPRISES_MAX_AGE_SECONDS ? Number(env.ENTERPRISES_MAX_AGE_SECONDS) : DEFAULT_MAX_AGE_SECONDS
  if (!(maxAgeSeconds >= 0 && maxAgeSeconds <= MAX_AGE_CEILING_SECONDS)) {
    throw new Error(`ENTERPRISES_MAX_AGE_SECONDS must be 0…${MAX_AGE_CEILING_SECONDS} seconds (a pause must take effect within a minute), got ${env.ENTERPRISES_MAX_AGE_SECONDS}`)
  }
  const fallbackTemplate = env.ENTERPRISE_ENDPOINT_TEMPLATE ?? 'http://127.0.0.1:3001/enterprises/{id}/account-counts'
  const fallbackEndpoints = env.ENTERPRISE_ENDPOINTS ? JSON.parse(env.ENTERPRISE_ENDPOINTS) as Record<string, string> : {}
  const read = options.read ?? (() => readDocument(env))
  return ageCached(async () => {
    const doc = await read() as Record<string, unknown>
    // local overrides (tests point single enterprises elsewhere) apply only where the document is silent
    const endpoints = { ...fallbackEndpoints, ...(doc?.endpoints as Record<string, string> | undefined) }
    return parseEnterpriseConfig(Object.keys(endpoints).length ? { ...doc, endpoints } : doc, fallbackTemplate, env.AWS_LAMBDA_FUNCTION_NAME !== undefined)
  }, {
    maxAgeMs: maxAgeSeconds * 1000,
    now: options.now,
    onStaleError: err => logger.warn('enterprise configuration reload failed or invalid; keeping the last good one', { error: err as Error })
  })
}
