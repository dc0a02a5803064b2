// How the domain paces its work: rounds of one step until it settles (a few tries with growing waits
// for outbound calls; a few quick rounds after a lost race on a conditional write), and many items a
// few at a time. Every retry loop of the back end is one of these rounds.

export type Sleep = (ms: number) => Promise<void>
export const sleepFor: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/** what a round answers when it lost a race (or found its work unfinished) and wants another round */
export const AGAIN: unique symbol = Symbol('again')

/**
 * `round` (numbered from 0) until it answers something other than AGAIN, at most `tries` times, with
 * `pauseMs(n)` before round n (n ≥ 1); AGAIN when every round asked for another.
 */
export async function inRounds<T> (
  spec: { tries: number, pauseMs: (round: number) => number, sleep?: Sleep },
  round: (n: number) => Promise<T | typeof AGAIN>
): Promise<T | typeof AGAIN> {
  for (let n = 0; n < spec.tries; n++) {
    if (n > 0) await (spec.sleep ?? sleepFor)(spec.pauseMs(n))
    const answer = await round(n)
    if (answer !== AGAIN) return answer
  }
  return AGAIN
}

/**
 * How hard each optimistic write (conditioned on a version, or meeting another transaction) is retried
 * after a lost race: a random pause of up to `jitterMs` × the round spreads the racers. When every
 * round is lost the answer is CONTENDED: a 429 with a short wait (errors.ts `contended`), never an error.
 */
export const ON_CONFLICT = {
  /** limit logs counted with the step's writes: read, judge, write (adapters/dynamo/limit-logs.ts) */
  countedWrite: { tries: 8, jitterMs: 15 },
  /** an event that already happened, counted on its log; then appended unjudged */
  recordedEvent: { tries: 4, jitterMs: 15 },
  /** one conditional UpdateItem that met another request's transaction */
  conditionalUpdate: { tries: 5, jitterMs: 20 },
  /** keys a BatchGetItem left unprocessed (throttling), asked again */
  batchRead: { tries: 6, jitterMs: 20 }
} as const satisfies Record<string, { tries: number, jitterMs: number }>

/** `round` after a lost race (it answers AGAIN), per ON_CONFLICT's spec; AGAIN when every round lost */
export function retryOnConflict<T> (
  spec: { tries: number, jitterMs: number, sleep?: Sleep },
  round: (n: number) => Promise<T | typeof AGAIN>
): Promise<T | typeof AGAIN> {
  return inRounds({ tries: spec.tries, pauseMs: n => Math.random() * spec.jitterMs * n, sleep: spec.sleep }, round)
}

/** `run` up to `tries` times, waiting backoffMs, then twice that, … between tries: its value, or the last failure */
export async function withTries<T> (
  spec: { tries: number, backoffMs: number, sleep?: Sleep },
  run: () => Promise<T>
): Promise<{ ok: true, value: T } | { ok: false, error: unknown }> {
  let error: unknown
  const answer = await inRounds({ tries: spec.tries, pauseMs: n => spec.backoffMs * 2 ** (n - 1), sleep: spec.sleep }, async () => {
    try {
      return { ok: true as const, value: await run() }
    } catch (err) {
      error = err
      return AGAIN
    }
  })
  return answer === AGAIN ? { ok: false, error } : answer
}

/** `run` on every item, at most `limit` at once */
export async function mapLimited<T> (items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!)
  }))
}
