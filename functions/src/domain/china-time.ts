// Dates shown to people, and calendar days for deadlines and feeds, are China Standard Time (UTC+8, no
// daylight saving).
const OFFSET_MS = 8 * 3600 * 1000
export const DAY_MS = 24 * 3600 * 1000

function shifted (epochMs: number): Date { return new Date(epochMs + OFFSET_MS) }

/** "7月21日": month and day in UTC+8, no leading zeros */
export function chinaMonthDay (epochMs: number): string {
  const d = shifted(epochMs)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

/** "2026-07-21": the calendar day in UTC+8 */
export function chinaDate (epochMs: number): string {
  return shifted(epochMs).toISOString().slice(0, 10)
}

/** "2026-07-21" (a China calendar day) → epoch ms of its midnight in UTC+8 */
export function chinaMidnight (date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - OFFSET_MS
}

/** 0 = Sunday … 6 = Saturday, in UTC+8 */
export function chinaWeekday (epochMs: number): number {
  return shifted(epochMs).getUTCDay()
}
