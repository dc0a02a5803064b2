// 我的工单: the cases this device opened, kept in local storage with their access tokens (the only key
// to a case: GET /v1/cases/{id} needs it, and the API never hands it out again). Never the number, the
// ID suffix or a code: the masked number, the ticket and the app ids are all a row shows.
import Taro from '@tarojs/taro'

export interface SavedCase {
  caseId: string
  ticket: string
  accessToken: string
  maskedPhone: string
  /** ISO instant on this device's clock */
  createdAt: string
  appIds: string[]
}

export const CASES_STORAGE = 'yzt.cases'
/** the oldest fall off; a case expires 180 days after its last change anyway */
const MAX_KEPT = 50

function isSavedCase (x: unknown): x is SavedCase {
  const c = x as Partial<SavedCase> | null
  return typeof c === 'object' && c !== null && typeof c.caseId === 'string' && typeof c.ticket === 'string' &&
    typeof c.accessToken === 'string' && typeof c.maskedPhone === 'string' && typeof c.createdAt === 'string' &&
    Array.isArray(c.appIds) && c.appIds.every(a => typeof a === 'string')
}

/** newest first; anything unreadable is left out */
export function loadCases (): SavedCase[] {
  try {
    const value: unknown = Taro.getStorageSync(CASES_STORAGE)
    return Array.isArray(value) ? value.filter(isSavedCase) : []
  } catch {
    return []
  }
}

/** true when the case is on the device; false when storage refused (full, or switched off by the host) */
export function saveCase (c: SavedCase): boolean {
  try {
    Taro.setStorageSync(CASES_STORAGE, [c, ...loadCases().filter(x => x.caseId !== c.caseId)].slice(0, MAX_KEPT))
    return true
  } catch {
    return false
  }
}

/** What the API says about a kept case (its own creation time, the masked number) replaces the device's guess, in place. */
export function updateCase (caseId: string, change: Partial<Pick<SavedCase, 'createdAt' | 'maskedPhone'>>): void {
  const cases = loadCases()
  const i = cases.findIndex(c => c.caseId === caseId)
  if (i < 0 || Object.entries(change).every(([k, v]) => cases[i][k as keyof SavedCase] === v)) return
  cases[i] = { ...cases[i], ...change }
  try { Taro.setStorageSync(CASES_STORAGE, cases) } catch { /* the device's copy stays as it was */ }
}

export function findCase (caseId: string): SavedCase | undefined {
  return loadCases().find(c => c.caseId === caseId)
}

/**
 * To 我的工单 without stacking a second copy of it: back when the detail was opened from the list,
 * in place of the current page otherwise.
 */
export function openMyCases (): void {
  const pages = Taro.getCurrentPages()
  const previous = pages[pages.length - 2]?.route?.replace(/^\//, '') ?? ''
  if (previous.startsWith('case/list/index')) void Taro.navigateBack()
  else void Taro.redirectTo({ url: '/case/list/index' })
}

export function removeCase (caseId: string): void {
  try {
    Taro.setStorageSync(CASES_STORAGE, loadCases().filter(c => c.caseId !== caseId))
  } catch { /* nothing to remove */ }
}
