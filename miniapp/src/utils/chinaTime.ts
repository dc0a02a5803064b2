// Dates in China time, for the case pages (and the local-only 模拟短信 page): apart from messages.ts so that
// the main package every query loads does not carry them (the case pages are the `case` subpackage).
/**
 * "7月21日 00:30:05" in China time ("7月21日 00:30" without seconds). By hand: mini-program engines do not
 * all carry time-zone data.
 */
export function formatChinaTime (iso: string, { seconds = true }: { seconds?: boolean } = {}): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  const d = new Date(t + 8 * 3600_000)
  const two = (n: number) => String(n).padStart(2, '0')
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${seconds ? `:${two(d.getUTCSeconds())}` : ''}`
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${time}`
}

/** "2030年7月21日" in China time */
export function formatChinaDay (iso: string): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  const d = new Date(t + 8 * 3600_000)
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}
