import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'

const SECTIONS: { title: string, lines: string[] }[] = [
  {
    title: '我们处理哪些信息',
    lines: ['您的手机号码、身份证号码后六位、短信验证码。不收集姓名、完整身份证号码或其他信息。']
  },
  {
    title: '为什么处理',
    lines: [
      '仅用于本次查询：向运营商核验该号码是否登记在您的名下，并向参与查询的企业询问绑定该号码的账号数量。',
      '身份证号码属于敏感个人信息，因此需要您单独同意。'
    ]
  },
  {
    title: '如何保存',
    lines: [
      '手机号码和身份证号码后六位不以明文保存，只保存不可还原的加密摘要；页面和日志中的号码一律脱敏（如 138****5551）。',
      '查询记录只保存账号数量，不保存账号名称，并在短期内自动删除。',
      '本小程序不在您的设备上保存您填写的任何内容。'
    ]
  },
  {
    title: '结果如何送达',
    lines: ['查询结果只以短信发送到被查询的号码，不在页面显示，防止他人查询您的号码。']
  },
  {
    title: '您的权利',
    lines: ['您可以不同意本规则，此时无法进行查询。同意仅对本次查询有效，下次查询需重新勾选。']
  }
]

export default function PrivacyPage () {
  return (
    <View className='page privacy'>
      <View className='hero'>
        <Text className='hero-title'>个人信息处理规则</Text>
      </View>
      {SECTIONS.map(s => (
        <View className='card' key={s.title}>
          <Text className='card-title'>{s.title}</Text>
          {s.lines.map((l, i) => <Text className='step' key={i}>{l}</Text>)}
        </View>
      ))}
      <View className='actions'>
        <Button className='btn-default' role='button' tabIndex={0} onClick={() => Taro.navigateBack()}>返回</Button>
      </View>
    </View>
  )
}
