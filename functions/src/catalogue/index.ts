// The enterprise catalogue: data, validated once at load. A ninth enterprise is an entry in
// enterprises.json plus an endpoint in the deployment's configuration; no code changes.
import { EnterprisesResponse, type Enterprise } from '#contract/index'
import data from './enterprises.json'

export type { Enterprise }

export interface Catalogue {
  readonly enterprises: readonly Enterprise[]
  /** every app in SMS order */
  readonly apps: readonly { id: string, label: string, enterpriseId: string }[]
}

export function parseCatalogue (input: unknown): Catalogue {
  const { enterprises } = EnterprisesResponse.parse(input)
  const apps = enterprises.flatMap(e => e.apps.map(a => ({ ...a, enterpriseId: e.id })))
  const ids = [...enterprises.map(e => `enterprise:${e.id}`), ...apps.map(a => `app:${a.id}`)]
  const dup = ids.find((id, i) => ids.indexOf(id) !== i)
  if (dup) throw new Error(`catalogue: duplicate ${dup}`)
  return { enterprises, apps }
}

export const catalogue: Catalogue = parseCatalogue(data)
