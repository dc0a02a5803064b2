// The submit both forms share (query, resolution case): one idempotency key per submit, the answer asked
// again while it is lost (services/idempotent.ts), and what the page shows meanwhile (components/OutcomeNotice).
import { useState } from 'react'
import { type ApiError, asApiError } from '../services/api'
import { CHECK_AGAIN_MS, submitIdempotently, type SubmitKind } from '../services/idempotent'

/** '' the outcome is known (or nothing was sent); checking: asking again with the same key; gave-up: the person may ask again */
export type Outcome = '' | 'checking' | 'gave-up'

export interface SubmitHandlers<T> {
  /** the API accepted it (navigating away belongs here: a failure there is shown like the API's) */
  accepted: (answer: T) => Promise<void> | void
  /** the API refused it, or it could not be sent at all */
  refused: (error: ApiError) => void
}

export function useIdempotentSubmit () {
  const [submitting, setSubmitting] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>('')

  /** sends `send(key)` under one key until an answer comes; a lost answer leaves `outcome` at gave-up */
  const submit = async <T>(kind: SubmitKind, body: unknown, send: (key: string) => Promise<T>, on: SubmitHandlers<T>): Promise<void> => {
    setSubmitting(true)
    try {
      const answer = await submitIdempotently(kind, body, send, { delaysMs: CHECK_AGAIN_MS, onUnknown: () => setOutcome('checking') })
      setOutcome('')
      await on.accepted(answer)
    } catch (err) {
      const e = asApiError(err)
      if (e.code === 'OUTCOME_UNKNOWN') { setOutcome('gave-up'); return }
      setOutcome('')
      on.refused(e)
    } finally {
      setSubmitting(false)
    }
  }

  return { submit, submitting, outcome, busy: submitting || outcome !== '' }
}
