import { execFile } from 'node:child_process'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
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
