// The enterprise configuration document (catalogue, endpoints, guides, paused enterprises): its zod
// schema, its JSON schema for AWS AppConfig's validator, and its resolution into what the functions
// use. Dependency-free (zod and the contract only): the CDK app imports it without pulling in the
// functions' logger, HTTP client or AWS SDK.
import * as z from 'zod'
import { App, Enterprise } from '#contract/index'
import { parseCatalogue, type Catalogue } from '#catalogue/index'

/** one enterprise as configured: what GET /v1/enterprises serves, and whether it is paused */
export const EnterpriseEntry = z.object({
  ...Enterprise.shape,
  // an app id names its parameter in the result SMS template ({id}): letters, digits and _ only
  apps: z.array(z.object({ ...App.shape, id: z.string().regex(/^\w+$/, 'letters, digits and _ only (an SMS template parameter)') })),
  /**
   * paused: its apps answer 暂无法查询, it gets no request and no release notice (notices wait, PENDING,
   * until it is resumed); switched by a configuration deployment alone, no code deploy
   */
  paused: z.boolean().optional()
})
export type EnterpriseEntry = z.infer<typeof EnterpriseEntry>

/** the document: `enterprises` in SMS order, and where each one answers */
export const EnterpriseDocument = z.object({
  enterprises: z.array(EnterpriseEntry),
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

/**
 * The JSON schema AppConfig validates a new version against before any function sees it. AppConfig's
 * validator speaks JSON Schema draft 4; `input`: the document as written (optional fields optional).
 * Rules JSON schema cannot say (unique ids, endpoints only for known enterprises) stay in zod, which
 * the functions run on every load (a document that fails there keeps the last good one in force).
 */
export function enterpriseDocumentJsonSchema (): Record<string, unknown> {
  return z.toJSONSchema(EnterpriseDocument, { target: 'draft-04', io: 'input' }) as Record<string, unknown>
}

/** https, or http to this machine when not deployed (the local runtime and the tests) */
export function checkEndpoint (url: string, deployed: boolean): void {
  let parsed: URL
  try { parsed = new URL(url) } catch { throw new Error(`enterprise endpoint is not a URL: ${url}`) }
  if (parsed.protocol === 'https:') return
  if (parsed.protocol === 'http:' && !deployed && isLoopback(parsed.hostname)) return
  throw new Error(`enterprise endpoint must be https${deployed ? '' : ' (http only to a loopback address)'}: ${url}`)
}

function isLoopback (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * validates a document and resolves every enterprise's endpoint; deployed, every endpoint must be
 * https (refused when the document is loaded, not at the first query)
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
