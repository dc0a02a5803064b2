import { useCallback, useEffect, useState } from 'react'
import type { Enterprise } from '@yzt/functions/contract'
import { asApiError, listEnterprises } from '../services/api'
import { describeError } from './messages'

/** The catalogue from GET /v1/enterprises, with an error in plain words and a way to retry. */
export function useEnterprises (): { enterprises: Enterprise[] | null, error: string, reload: () => void } {
  const [enterprises, setEnterprises] = useState<Enterprise[] | null>(null)
  const [error, setError] = useState('')
  const reload = useCallback(() => {
    setError('')
    listEnterprises()
      .then(r => setEnterprises(r.enterprises))
      .catch(err => setError(describeError(asApiError(err))))
  }, [])
  useEffect(reload, [reload])
  return { enterprises, error, reload }
}
