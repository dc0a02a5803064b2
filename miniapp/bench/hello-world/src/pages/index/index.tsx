import { Text, View } from '@tarojs/components'

export default function Index () {
  return <View className='hello'><Text>Hello world!</Text></View>
}
