// Searching the catalogue as people type it: by name (淘宝), by pinyin initials (tb), either for the
// enterprise or any of its apps. The initials come with the catalogue (GET /v1/enterprises), so no pinyin
// library is bundled; an entry without them is still found by name.
import type { App, Enterprise } from '@yzt/functions/contract'

/** what is typed, folded: full-width to half-width, case, spaces */
export function normaliseSearch (input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

/** the SMS label without its 账号 suffix, as people name the app */
export function appName (label: string): string {
  return label.replace(/(平台)?账号$/, '')
}

export function appMatches (app: App, query: string): boolean {
  const q = normaliseSearch(query)
  if (!q) return true
  return normaliseSearch(app.label).includes(q) || (app.initials ?? '').startsWith(q)
}

export function enterpriseMatches (e: Enterprise, query: string): boolean {
  const q = normaliseSearch(query)
  if (!q) return true
  return normaliseSearch(e.name).includes(q) || (e.initials ?? '').startsWith(q) || e.apps.some(a => appMatches(a, q))
}

/** the index letter of an enterprise: its initials' first letter, '#' without initials (or a digit) */
export function indexLetter (e: Enterprise): string {
  const c = (e.initials ?? '').charAt(0).toUpperCase()
  return c >= 'A' && c <= 'Z' ? c : '#'
}

/** enterprises grouped under A…Z then #, each group in catalogue order */
export function groupByLetter (enterprises: readonly Enterprise[]): { letter: string, enterprises: Enterprise[] }[] {
  const groups = new Map<string, Enterprise[]>()
  for (const e of enterprises) {
    const l = indexLetter(e)
    groups.set(l, [...(groups.get(l) ?? []), e])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a === '#' ? 1 : b === '#' ? -1 : a.localeCompare(b))
    .map(([letter, list]) => ({ letter, enterprises: list }))
}
