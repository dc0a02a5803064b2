import type { PropsWithChildren } from 'react'
import { Input, Label, Text, View } from '@tarojs/components'

const H5 = process.env.TARO_ENV === 'h5'

export interface FieldProps {
  id: string
  label: string
  /** h5: the real input type (tel, text); mini-programs: the keyboard (number, idcard) */
  h5Type: 'tel' | 'text'
  miniType: 'number' | 'idcard'
  inputMode?: 'numeric' | 'text'
  autoComplete?: string
  maxlength: number
  placeholder: string
  value: string
  error?: string
  disabled?: boolean
  onInput: (value: string) => void
  onBlur: () => void
}

/**
 * A WeUI-style labelled cell: the label is a real <label for> (tapping it focuses the input and names it for
 * screen readers), the error below is tied to the input with aria-describedby. Children (a button) sit at
 * the cell's end.
 */
export function Field (p: PropsWithChildren<FieldProps>) {
  const inputId = H5 ? `${p.id}-input` : p.id
  const errorId = `${p.id}-error`
  return (
    <View className={`field ${p.error ? 'cell-warn' : ''}`}>
      <View className='cell'>
        <Label className='cell-label' for={inputId} id={`${p.id}-label`}><Text>{p.label}</Text></Label>
        <Input id={p.id} className='cell-input' type={(H5 ? p.h5Type : p.miniType) as 'number'} maxlength={p.maxlength}
          placeholder={p.placeholder} value={p.value} disabled={p.disabled}
          onInput={e => p.onInput(e.detail.value)} onBlur={p.onBlur}
          nativeProps={{
            id: inputId,
            inputMode: p.inputMode,
            autoComplete: p.autoComplete,
            'aria-invalid': p.error ? 'true' : 'false',
            'aria-describedby': p.error ? errorId : undefined
          }} />
        {p.children}
      </View>
      {p.error ? <Text className='field-error' id={errorId}>{p.error}</Text> : null}
    </View>
  )
}
