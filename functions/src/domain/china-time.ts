// Dates shown to people are China Standard Time (UTC+8, no daylight saving).
const OFFSET_MS = 8 * 3600 * 1000

function shifted (epochMs: number): Date { return new Date(epochMs + OFFSET_MS) }

/** "7月21日": month and day in UTC+8, no leading zeros */
export function chinaMonthDay (epochMs: number): string {
  const d = shifted(epochMs)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}
