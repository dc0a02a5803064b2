/** Some hosts hand page params over still percent-encoded, others decoded: accept both. */
export function param (params: Record<string, string | undefined>, name: string): string {
  const raw = params[name] ?? ''
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
