// One Node line everywhere: .node-version is the source.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { LAMBDA_BUILD_OPTIONS } from '../../functions/scripts/bundle'
import { LAMBDA_RUNTIME } from '../lib/yzt-stack'

const ROOT = path.resolve(__dirname, '../..')
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8')
const MANIFESTS = ['package.json', 'functions/package.json', 'infra/package.json', 'miniapp/package.json']
const version = read('.node-version').trim()
const major = version.split('.')[0]

test('.node-version names one exact release of an even (LTS) line', () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+$/)
  expect(Number(major) % 2).toBe(0)
})

test('every package, the bundles, the Lambda runtime, the types and the workflows use that line', () => {
  for (const file of MANIFESTS) {
    const pkg = JSON.parse(read(file))
    expect([file, pkg.engines?.node]).toEqual([file, `>=${major}`])
    const types = pkg.devDependencies?.['@types/node'] ?? pkg.dependencies?.['@types/node']
    if (types) expect([file, types.split('.')[0]]).toEqual([file, major])
  }
  expect(LAMBDA_BUILD_OPTIONS.target).toBe(`node${major}`)
  expect(LAMBDA_RUNTIME.name).toBe(`nodejs${major}.x`)
  for (const wf of fs.readdirSync(path.join(ROOT, '.github/workflows'))) {
    const text = read(`.github/workflows/${wf}`)
    expect([wf, /node-version:/.test(text)]).toEqual([wf, false])
    if (text.includes('actions/setup-node')) expect(text).toContain('node-version-file: .node-version')
  }
  expect(read('.ci/run')).toContain('.node-version')
})
