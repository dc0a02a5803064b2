// One Node line everywhere (.node-version is the source), and a lockfile that `npm install` leaves alone.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
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

/** `npm install --package-lock-only` on a copy of the manifests and the lockfile, offline */
function relock (lockfile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-relock-'))
  try {
    for (const file of MANIFESTS) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true })
      fs.copyFileSync(path.join(ROOT, file), path.join(dir, file))
    }
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lockfile)
    const out = spawnSync('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' })
    expect(out.stderr).not.toMatch(/ERR!/)
    expect(out.status).toBe(0)
    return fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('npm install leaves package-lock.json unchanged (the lockfile is its own fixed point)', () => {
  const lockfile = read('package-lock.json')
  expect(relock(lockfile) === lockfile).toBe(true)
})

test('the check above sees a lockfile that npm install would rewrite', () => {
  // the flags the old lockfile lacked: aws-cdk-lib bundles `ignore`, so the hoisted copy serves dev tools only
  const unsettled = read('package-lock.json').replace(/("node_modules\/ignore": \{[^}]*?)\s*"dev": true,/, '$1')
  expect(unsettled).not.toBe(read('package-lock.json'))
  expect(relock(unsettled) === unsettled).toBe(false)
})
