// The enterprises a deployment talks to, catalogue and endpoints, as one JSON document read at run time
// with an age-based cache: a ninth enterprise at its own host is a change of that document, never a
// rebuild. Deployed: the SSM parameter named by ENTERPRISES_PARAMETER (the stack writes it from its
// configuration). Local: the file named by ENTERPRISES_FILE. Neither: the bundled demo catalogue.
import * as fs from 'node:fs/promises'
import * as z from 'zod'
import { parseCatalogue, type Catalogue } from '#catalogue/index'
import { ageCached } from '#lib/age-cache'
import { checkEndpoint } from './enterprise-http'
import { logger } from '#lib/logger'

/** the document: `enterprises` as GET /v1/enterprises serves them (in SMS order), and where each one answers */
export const EnterpriseDocument = z.object({
  enterprises: z.array(z.unknown()),
  /** per enterprise id; wins over the template */
  endpoints: z.record(z.string(), z.url({ protocol: /^https?$/ })).optional(),
  /** `{id}` is replaced by the enterprise id */
  endpointTemplate: z.string().regex(/^https?:\/\/.+\{id\}/, 'an http(s) URL containing {id}').optional()
}).strict()
export type EnterpriseDocument = z.infer<typeof EnterpriseDocument>

export interface EnterpriseConfig {
  catalogue: Catalogue
  /** one URL for every enterprise of the catalogue */
  endpoints: Readonly<Record<string, string>>
}

export const DEFAULT_MAX_AGE_SECONDS = 60

/**
 * validates a document with the contract's schema and resolves every enterprise's endpoint; deployed,
 * every endpoint must be https (refused when the document is loaded, not at the first query)
 */
export function parseEnterpriseConfig (input: unknown, fallbackTemplate?: string, deployed = false): EnterpriseConfig {
  const doc = EnterpriseDocument.parse(input)
  const catalogue = parseCatalogue({ enterprises: doc.enterprises })
  const ids = new Set(catalogue.enterprises.map(e => e.id))
  const stray = Object.keys(doc.endpoints ?? {}).find(id => !ids.has(id))
  if (stray) throw new Error(`enterprise configuration: an endpoint for ${stray}, which is not in the catalogue`)
  const template = doc.endpointTemplate ?? fallbackTemplate
  const endpoints: Record<string, string> = {}
  for (const { id } of catalogue.enterprises) {
    const url = doc.endpoints?.[id] ?? template?.replace('{id}', encodeURIComponent(id))
    if (!url) throw new Error(`enterprise configuration: no endpoint for ${id} and no endpointTemplate`)
    if (deployed) checkEndpoint(url, true)
    endpoints[id] = url
  }
  return { catalogue, endpoints }
}

type Env = Record<string, string | undefined>

async function readDocument (env: Env): Promise<unknown> {
  if (env.ENTERPRISES_PARAMETER) {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm')
    // forceFetch: the age is ours (below), one cache for the parsed result, not two
    return getParameter(env.ENTERPRISES_PARAMETER, { transform: 'json', forceFetch: true })
  }
  if (env.ENTERPRISES_FILE) return JSON.parse(await fs.readFile(env.ENTERPRISES_FILE, 'utf8'))
  // a chunk of its own in the bundles: loaded only where no document is configured
  const { default: data } = await import('../catalogue/enterprises.json')
  return data
}

/** the configuration, reloaded when older than ENTERPRISES_MAX_AGE_SECONDS (default 60) */
export function enterpriseConfigSource (env: Env = process.env): () => Promise<EnterpriseConfig> {
  const maxAgeSeconds = env.ENTERPRISES_MAX_AGE_SECONDS ? Number(env.ENTERPRISES_MAX_AGE_SECONDS) : DEFAULT_MAX_AGE_SECONDS
  if (!(maxAgeSeconds >= 0)) throw new Error(`ENTERPRISES_MAX_AGE_SECONDS must be a number of seconds, got ${env.ENTERPRISES_MAX_AGE_SECONDS}`)
  const fallbackTemplate = env.ENTERPRISE_ENDPOINT_TEMPLATE ?? 'http://127.0.0.1:3001/enterprises/{id}/account-counts'
  const fallbackEndpoints = env.ENTERPRISE_ENDPOINTS ? JSON.parse(env.ENTERPRISE_ENDPOINTS) as Record<string, string> : {}
  return ageCached(async () => {
    const doc = await readDocument(env) as Record<string, unknown>
    // local overrides (tests point single enterprises elsewhere) apply only where the document is silent
    const endpoints = { ...fallbackEndpoints, ...(doc?.endpoints as Record<string, string> | undefined) }
    return parseEnterpriseConfig(Object.keys(endpoints).length ? { ...doc, endpoints } : doc, fallbackTemplate, env.AWS_LAMBDA_FUNCTION_NAME !== undefined)
  }, {
    maxAgeMs: maxAgeSeconds * 1000,
    onStaleError: err => logger.warn('enterprise configuration reload failed; keeping the last good one', { error: err as Error })
  })
}
