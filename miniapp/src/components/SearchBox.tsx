// A labelled search field (the guide and the case form's app picker): text keyboard, results as typed.
import { Input, Label, Text, View } from '@tarojs/components'

const H5 = process.env.TARO_ENV === 'h5'

export function SearchBox ({ id, label, placeholder, value, onInput, resultText }: {
  id: string
  label: string
  placeholder: string
  value: string
  onInput: (value: string) => void
  /** said to screen readers as the results change (共N项) */
  resultText: string
}) {
  const inputId = H5 ? `${id}-input` : id
  return (
    <View className='search'>
      <View className='cells search-cells'>
        <View className='cell'>
          <Label className='cell-label' for={inputId} id={`${id}-label`}><Text>{label}</Text></Label>
          <Input id={id} className='cell-input' type='text' placeholder={placeholder} value={value} confirmType='search'
            onInput={e => onInput(e.detail.value)}
            nativeProps={{ id: inputId, type: 'search', autoComplete: 'off', 'aria-describedby': `${id}-count` }} />
          {value
            ? <View className='search-clear' id={`${id}-clear`} role='button' tabIndex={0} aria-label='清除搜索' onClick={() => onInput('')}><Text>清除</Text></View>
            : null}
        </View>
      </View>
      <Text className='search-count' id={`${id}-count`} role='status' aria-live='polite'>{resultText}</Text>
    </View>
  )
}
