// Dates shown to people are China Standard Time (UTC+8, no daylight saving).
const OFFSET_MS = 8 * 3600 * 1000

function shifted (epochMs: number): Date { return new Date(epochMs + OFFSET_MS) }

/** "7月21日": month and day in UTC+8, no leading zeros */
export function chinaMonthDay (epochMs: number): string {
  const d = shifted(epochMs)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

/** "20260721": the calendar day in UTC+8, for daily limits */
export function chinaDayKey (epochMs: number): string {
  return shifted(epochMs).toISOString().slice(0, 10).replace(/-/g, '')
}

/** epoch ms of the next midnight in UTC+8 */
export function nextChinaMidnight (epochMs: number): number {
  const day = 24 * 3600 * 1000
  return Math.floor((epochMs + OFFSET_MS) / day) * day + day - OFFSET_MS
}

export function hourKey (epochMs: number): string {
  return String(Math.floor(epochMs / 3600_000))
}

export function nextHour (epochMs: number): number {
  return (Math.floor(epochMs / 3600_000) + 1) * 3600_000
}
