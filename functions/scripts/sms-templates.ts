// Prints every SMS template as an operator registers it with each provider (Aliyun writes a
// parameter as ${name}, Tencent Cloud as {1}, {2}, … in order), with its length and SMS segments.
// `npm run sms-templates -w @yzt/functions`; infra/README.md shows this output.
import { catalogue } from '../src/catalogue/index'
import { DEFAULT_SIGNATURE, smsTemplates, type SmsTemplate } from '../src/domain/sms-templates'

/** mainland providers bill 70 characters (signature included) as one SMS, longer texts in parts of 67 */
export function segments (length: number): number {
  return length <= 70 ? 1 : Math.ceil(length / 67)
}

export function registrationTexts (t: SmsTemplate): { aliyun: string, tencent: string } {
  return {
    aliyun: t.text.replace(/\{(\w+)\}/g, (_, name: string) => `\${${name}}`),
    tencent: t.text.replace(/\{(\w+)\}/g, (_, name: string) => `{${t.params.indexOf(name) + 1}}`)
  }
}

if (require.main === module) {
  for (const [id, t] of Object.entries(smsTemplates(catalogue))) {
    const { aliyun, tencent } = registrationTexts(t)
    console.log(`### ${id} (parameters: ${t.params.join(', ')})`)
    console.log(`Aliyun:  ${aliyun}`)
    console.log(`Tencent: ${tencent}`)
    console.log()
  }
  console.log(`signature: ${DEFAULT_SIGNATURE}`)
}
