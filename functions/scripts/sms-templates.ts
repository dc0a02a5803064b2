// Prints every SMS template as an operator registers it with each provider (Aliyun writes a
// parameter as ${name}, Tencent Cloud as {1}, {2}, … in order), then the longest summary-form SMS
// with its length and segments. `npm run sms-templates -w @yzt/functions`; `-- --write` puts the list
// into infra/README.md#sms (the test checks that the README holds exactly this list).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

/** the list infra/README.md#sms shows, for the bundled catalogue */
export function registrationList (templates: Record<string, SmsTemplate> = smsTemplates(catalogue)): string {
  const lines: string[] = []
  for (const [id, t] of Object.entries(templates)) {
    const { aliyun, tencent } = registrationTexts(t)
    lines.push(`### ${id} (parameters: ${t.params.join(', ')})`, `Aliyun:  ${aliyun}`, `Tencent: ${tencent}`, '')
  }
  lines.push(`signature: ${DEFAULT_SIGNATURE}`)
  return lines.join('\n')
}

export const README = join(__dirname, '../../infra/README.md')

/** the README with its fenced list (from `### code` to the signature line) replaced by `list` */
export function withList (readme: string, list: string): string {
  const block = /```\n### code \(parameters[\s\S]*?\nsignature: [^\n]*\n```/
  if (!block.test(readme)) throw new Error('infra/README.md: the template list block is missing')
  return readme.replace(block, () => '```\n' + list + '\n```')
}

if (require.main === module) {
  const list = registrationList()
  if (process.argv.includes('--write')) {
    writeFileSync(README, withList(readFileSync(README, 'utf8'), list))
    console.log('infra/README.md: template list written')
  } else {
    console.log(list)
  }
}
