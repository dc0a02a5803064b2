// Deadlines counted in working days: weekends do not count, nor the configured public holidays
// (China dates, "YYYY-MM-DD"). A deadline ends at China midnight after its last working day.
const DAY_MS = 24 * 3600 * 1000
const CHINA_OFFSET_MS = 8 * 3600 * 1000

export function addWorkingDays (from: number, days: number, holidays: ReadonlySet<string> = new Set()): number {
  let midnight = Math.floor((from + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS // China day of `from`, in shifted time
  let left = days
  while (left > 0) {
    midnight += DAY_MS
    const d = new Date(midnight)
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6
    if (!weekend && !holidays.has(d.toISOString().slice(0, 10))) left--
  }
  return midnight + DAY_MS - CHINA_OFFSET_MS
}
