// A value loaded on first use and reloaded once it is older than maxAgeMs. A failed reload keeps the
// last good value (a configuration store that blips must not take the service down with it); with no
// good value yet, the failure is the caller's.
export interface AgeCacheOptions {
  maxAgeMs: number
  /** epoch ms; injectable for tests */
  now?: () => number
  onStaleError?: (err: unknown) => void
}

export function ageCached<T> (load: () => Promise<T>, options: AgeCacheOptions): () => Promise<T> {
  const now = options.now ?? Date.now
  let value: { data: T, at: number } | undefined
  let pending: Promise<T> | undefined
  return () => {
    if (value && now() - value.at < options.maxAgeMs) return Promise.resolve(value.data)
    pending ??= load().then(data => {
      value = { data, at: now() }
      return data
    }, err => {
      if (!value) throw err
      options.onStaleError?.(err)
      value = { data: value.data, at: now() }
      return value.data
    }).finally(() => { pending = undefined })
    return pending
  }
}
