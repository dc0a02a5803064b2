// How the domain paces its outbound work: a few tries with growing waits, and many items a few at a time.

export type Sleep = (ms: number) => Promise<void>
export const sleepFor: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/** `run` up to `tries` times, waiting backoffMs, then twice that, … between tries: its value, or the last failure */
export async function withTries<T> (
  spec: { tries: number, backoffMs: number, sleep?: Sleep },
  run: () => Promise<T>
): Promise<{ ok: true, value: T } | { ok: false, error: unknown }> {
  let error: unknown
  for (let attempt = 1; attempt <= spec.tries; attempt++) {
    try {
      return { ok: true, value: await run() }
    } catch (err) {
      error = err
      if (attempt < spec.tries) await (spec.sleep ?? sleepFor)(spec.backoffMs * 2 ** (attempt - 1))
    }
  }
  return { ok: false, error }
}

/** `run` on every item, at most `limit` at once */
export async function mapLimited<T> (items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!)
  }))
}
