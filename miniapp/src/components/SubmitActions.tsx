// The submit row both forms end with (查询 and 异议账号处理): the primary button, disabled in words
// (aria-disabled plus the hint that says what is missing), and 上一步 in 关怀模式's steps.
import { Button, Text, View } from '@tarojs/components'

export function SubmitActions ({ idPrefix, label, enabled, busy, hint, care, onSubmit, onBack }: {
  /** '' or 'case-': H5 keeps earlier pages in the DOM, so each page has its own ids */
  idPrefix: string
  label: string
  enabled: boolean
  busy: boolean
  hint?: string
  care: boolean
  onSubmit: () => void
  onBack: () => void
}) {
  const ready = enabled && !busy
  return (
    <View className='actions'>
      <Button id={`${idPrefix}submit`} className={`btn-primary ${ready ? '' : 'is-disabled'}`} role='button' tabIndex={0}
        aria-disabled={ready ? 'false' : 'true'} aria-describedby={hint ? `${idPrefix}submit-hint` : undefined}
        onClick={onSubmit}>{busy ? '正在提交' : label}</Button>
      {hint ? <Text className='submit-hint' id={`${idPrefix}submit-hint`}>{hint}</Text> : null}
      {care ? <Button id={`${idPrefix}prev-step`} className='btn-default' role='button' tabIndex={0} onClick={onBack}>上一步</Button> : null}
    </View>
  )
}
