// The home page's half of utils/recentQuery.ts: it only writes down the query just submitted (query id, masked
// number, this device's clock; nothing typed). Reading it back, and forgetting it, is the case form's business
// and comes with the `case` subpackage, not in the main package every query loads.
import Taro from '@tarojs/taro'

export const RECENT_QUERY_STORAGE = 'yzt.recentQuery'

export interface RecentQuery { queryId: string, maskedPhone: string, at: number }

/** the copy for this visit when storage refuses */
export const remembered: { q: RecentQuery | null } = { q: null }

export function rememberQuery (q: { queryId: string, maskedPhone: string }, now = Date.now()): void {
  remembered.q = { ...q, at: now }
  try { Taro.setStorageSync(RECENT_QUERY_STORAGE, remembered.q) } catch { /* kept in memory */ }
}
