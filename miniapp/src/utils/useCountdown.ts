import { useCallback, useEffect, useState } from 'react'

/**
 * Seconds left until a deadline. Counted from the clock rather than by decrementing on each tick,
 * because hosts throttle timers in the background and the server's window does not pause.
 */
export function useCountdown (): [number, (seconds: number) => void] {
  const [deadline, setDeadline] = useState(0)
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    if (deadline <= Date.now()) return undefined
    const timer = setInterval(() => {
      const t = Date.now()
      setNow(t)
      if (t >= deadline) clearInterval(timer)
    }, 500)
    return () => clearInterval(timer)
  }, [deadline])

  const start = useCallback((seconds: number) => {
    const t = Date.now()
    setNow(t)
    setDeadline(t + Math.max(0, seconds) * 1000)
  }, [])

  return [Math.max(0, Math.ceil((deadline - now) / 1000)), start]
}
