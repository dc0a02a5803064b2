import type { Clock } from '#ports'

export const systemClock: Clock = { now: () => Date.now() }

/** Starts at `start` and runs on in real time (YZT_NOW for demos and browser tests). */
export function clockStartingAt (start: number): Clock {
  const offset = start - Date.now()
  return { now: () => Date.now() + offset }
}

export function clockFromEnv (env: Record<string, string | undefined> = process.env): Clock {
  const at = env.YZT_NOW ? Date.parse(env.YZT_NOW) : NaN
  return Number.isFinite(at) ? clockStartingAt(at) : systemClock
}
