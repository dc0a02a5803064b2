// What a form shows while the answer to its submit is lost: that we are asking again, then, when the
// checks ran out, a button to ask again under the same key (nothing is submitted twice).
import { Button, Text, View } from '@tarojs/components'
import { ApiError } from '../services/api'
import { describeError } from '../utils/messages'
import type { Outcome } from '../utils/useIdempotentSubmit'

interface Props {
  outcome: Outcome
  /** '' on the home page, 'case-' on the case form: the ids the tests and screen readers know */
  idPrefix: string
  /** what is not repeated: 查询, 提交 */
  notRepeated: string
  onCheckAgain: () => void
}

export function OutcomeNotice ({ outcome, idPrefix, notRepeated, onCheckAgain }: Props) {
  if (!outcome) return null
  return (
    <View className='notice notice-info' id={`${idPrefix}outcome-unknown`} role='status' aria-live='polite'>
      <Text>{outcome === 'checking'
        ? describeError(new ApiError('OUTCOME_UNKNOWN', ''))
        : `仍未能确认是否已提交。您填写的内容仍在，点“重新确认”再试；不会重复${notRepeated}。`}</Text>
      {outcome === 'gave-up'
        ? <Button id={`${idPrefix}check-again`} className='btn-default' role='button' tabIndex={0} onClick={onCheckAgain}>重新确认</Button>
        : null}
    </View>
  )
}
