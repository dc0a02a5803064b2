// The enterprise catalogue: data, validated once at load. A ninth enterprise is an entry in
// enterprises.json plus an endpoint in the deployment's configuration; no code changes.
import * as z from 'zod/mini'
import { EnterprisesResponse, type Enterprise } from '#contract/index'
import data from './enterprises.json'

export type { Enterprise }

export interface Catalogue {
  readonly enterprises: readonly Enterprise[]
  /** every app in SMS order */
  readonly apps: readonly { id: string, label: string, enterpriseId: string }[]
  /** enterprises paused by configuration: not asked, no notices; their apps answer 暂无法查询 */
  readonly paused?: ReadonlySet<string>
}

// `paused` is configuration, not catalogue: the served Enterprise (the contract) never carries it
const PausedFlags = z.object({ enterprises: z.array(z.object({ id: z.string(), paused: z.optional(z.boolean()) })) })

export function parseCatalogue (input: unknown): Catalogue {
  const { enterprises } = EnterprisesResponse.parse(input)
  const apps = enterprises.flatMap(e => e.apps.map(a => ({ ...a, enterpriseId: e.id })))
  const ids = [...enterprises.map(e => `enterprise:${e.id}`), ...apps.map(a => `app:${a.id}`)]
  const dup = ids.find((id, i) => ids.indexOf(id) !== i)
  if (dup) throw new Error(`catalogue: duplicate ${dup}`)
  const paused = new Set(PausedFlags.parse(input).enterprises.filter(e => e.paused === true).map(e => e.id))
  return { enterprises, apps, paused }
}

/** whether the configuration has paused this enterprise */
export function isPaused (catalogue: Catalogue, enterpriseId: string): boolean {
  return catalogue.paused?.has(enterpriseId) ?? false
}

export const catalogue: Catalogue = parseCatalogue(data)
