// A query this device submitted counts as a verification for a resolution case for 10 minutes: the case
// form then offers "use the verification you just completed" (POST /v1/cases with its queryId) instead of
// a new SMS code. Kept: the query id, the masked number and when (this device's clock) — nothing typed.
import Taro from '@tarojs/taro'
import { PUBLIC_LIMITS } from '@yzt/functions/contract'
import { RECENT_QUERY_STORAGE as STORAGE, type RecentQuery, remembered } from './rememberQuery'

export type { RecentQuery } from './rememberQuery'

/** the API accepts a query submitted within the last 10 minutes (the contract's figure) */
export const RECENT_QUERY_MS = PUBLIC_LIMITS.recentVerificationMinutes * 60_000
/** offered a little less long, so a submit on a slow network still arrives inside the window */
export const RECENT_QUERY_MARGIN_MS = 30_000

function read (): RecentQuery | null {
  try {
    const v = Taro.getStorageSync(STORAGE) as Partial<RecentQuery> | ''
    if (v && typeof v === 'object' && typeof v.queryId === 'string' && typeof v.maskedPhone === 'string' && typeof v.at === 'number') {
      return { queryId: v.queryId, maskedPhone: v.maskedPhone, at: v.at }
    }
  } catch { /* storage refused: the copy in memory still serves this visit */ }
  return remembered.q
}

export function forgetQuery (): void {
  remembered.q = null
  try { Taro.removeStorageSync(STORAGE) } catch { /* nothing kept */ }
}

/** the recent query and how many ms it may still be offered, or null once it is too old */
export function recentQuery (now = Date.now()): (RecentQuery & { leftMs: number }) | null {
  const q = read()
  if (!q) return null
  const leftMs = q.at + RECENT_QUERY_MS - RECENT_QUERY_MARGIN_MS - now
  // a clock set back makes `at` lie in the future: not trusted either
  if (leftMs <= 0 || q.at > now + 60_000) return null
  return { ...q, leftMs }
}
