import { execFile } from 'node:child_process'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { FUNCTIONS } from '@yzt/functions/infra-shared/functions'
import { bundlesDir, functionId, synth } from './support/synth'

const run = promisify(execFile)
const dev = synth()
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')

describe.each(Object.keys(FUNCTIONS))('%s', name => {
  const fn = dev.json.Resources[functionId(dev, name)]!
  const asset = path.join(dev.outdir, fn.Metadata!['aws:asset:path'])

  test('its asset is the bundle of its own handler module, with the source map', () => {
    expect(sha(path.join(asset, 'index.mjs'))).toBe(sha(path.join(bundlesDir(), name, 'index.mjs')))
    expect(fs.existsSync(path.join(asset, 'index.mjs.map'))).toBe(true)
  })

  test('its asset exports the handler Lambda calls (index.handler)', async () => {
    expect(fn.Properties.Handler).toBe('index.handler')
    // a fresh node process, as Lambda would load it: ESM, nothing from the repository's node_modules
    const probe = 'const m = await import(process.argv[1]); console.log(typeof m.handler)'
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(path.join(asset, 'index.mjs')).href], {
      cwd: asset,
      env: { PATH: process.env.PATH, AWS_REGION: 'ap-east-1' }
    })
    expect(stdout.trim()).toBe('function')
  })
})

describe('the SMS provider SDKs', () => {
  // a marker each SDK's request signer carries, and nothing else does
  const SDKS = { aliyun: 'ACS3-HMAC-SHA256', tencent: 'TC3-HMAC-SHA256' }
  const files = (dir: string) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.mjs'))

  test.each(Object.entries(FUNCTIONS))('%s carries them only if it sends SMS, and never in index.mjs', (name, def) => {
    const dir = path.join(bundlesDir(), name)
    if (!fs.existsSync(dir)) return
    const withSdk = files(dir).filter(f => Object.values(SDKS).some(m => fs.readFileSync(path.join(dir, f), 'utf8').includes(m)))
    if ('sendsSms' in def && def.sendsSms) {
      // one lazily loaded chunk per provider
      expect(withSdk.map(f => path.basename(f).replace(/-[A-Z0-9]+\.mjs$/, '')).sort()).toEqual(['sms-aliyun', 'sms-tencent'])
    } else {
      expect(withSdk).toEqual([])
    }
  })

  test.each(Object.keys(SDKS))('the %s chunk of dispatchSms loads in a fresh node process with no node_modules and exports its sender', async provider => {
    const dir = path.join(bundlesDir(), 'dispatchSms', 'chunks')
    const chunk = files(dir).find(f => f.startsWith(`sms-${provider}-`))!
    const probe = 'const m = await import(process.argv[1]); console.log(Object.keys(m).sort().join(","))'
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(path.join(dir, chunk)).href], {
      cwd: os.tmpdir(), env: { PATH: process.env.PATH }
    })
    expect(stdout.trim()).toBe(`${provider}Error,${provider}SmsSender`)
  })
})
