// Deadlines counted in working days: weekends do not count, nor the configured public holidays
// (China dates, "YYYY-MM-DD"). A deadline ends at China midnight after its last working day.
import { chinaDate, chinaMidnight, chinaWeekday, DAY_MS } from './china-time'

export function addWorkingDays (from: number, days: number, holidays: ReadonlySet<string> = new Set()): number {
  let day = chinaMidnight(chinaDate(from))
  let left = days
  while (left > 0) {
    day += DAY_MS
    const weekday = chinaWeekday(day)
    if (weekday !== 0 && weekday !== 6 && !holidays.has(chinaDate(day))) left--
  }
  return day + DAY_MS
}
