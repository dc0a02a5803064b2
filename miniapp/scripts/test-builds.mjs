// `npm run test:builds`: production builds for every platform, their size and content checks, then the
// local H5 build and the browser tests against the real local runtime. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024 // WeChat: each package, the main one included, at most 2 MB
const ALL_PACKAGES_LIMIT = 20 * 1024 * 1024 // WeChat: the main package and every subpackage together
// Strings only the 模拟短信 page and its client call carry (route, title, banner, the local-only API path).
const DEV_PAGE_MARKERS = ['pages/dev-sms', '模拟短信', '本页只存在于本地开发版本', '/dev/sms']

let failures = 0
const check = (ok, msg) => { console.log(`${ok ? 'PASS' : 'FAIL'} ${msg}`); if (!ok) failures++ }

function run (script, env = {}) {
  const started = Date.now()
  const r = spawnSync('npm', ['run', script], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const ok = r.status === 0
  if (!ok) console.log((r.stdout + r.stderr).split('\n').filter(l => !/\[2K|█/.test(l)).slice(-40).join('\n'))
  check(ok, `npm run ${script} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return ok
}

function files (dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(d => d.isFile()).map(d => path.join(d.parentPath ?? d.path, d.name))
}

function devPageIn (dir) {
  const hits = []
  for (const f of files(dir)) {
    const rel = path.relative(dir, f)
    if (rel.includes('dev-sms')) hits.push(rel)
    else if (/\.(js|json|html|wxml|axml|css|wxss|acss)$/.test(f)) {
      const text = fs.readFileSync(f, 'utf8')
      for (const m of DEV_PAGE_MARKERS) if (text.includes(m)) hits.push(`${rel}: "${m}"`)
    }
  }
  return hits
}

const kB = n => `${(n / 1024).toFixed(1)} kB`

for (const platform of ['weapp', 'alipay', 'h5']) {
  const out = path.join(root, 'dist', platform)
  fs.rmSync(out, { recursive: true, force: true })
  // no TARO_APP_API_BASE / YZT_DEV_SMS: exactly what a production build sees
  const env = { TARO_APP_API_BASE: undefined, YZT_DEV_SMS: undefined }
  delete process.env.TARO_APP_API_BASE
  delete process.env.YZT_DEV_SMS
  if (!run(`build:${platform}`, env)) continue
  // Taro can exit 0 without writing anything when its config fails validation
  const entry = { weapp: 'app.json', alipay: 'app.json', h5: 'index.html' }[platform]
  if (!fs.existsSync(path.join(out, entry))) { check(false, `${platform}: dist/${platform}/${entry} written`); continue }
  const all = files(out)
  const total = all.reduce((n, f) => n + fs.statSync(f).size, 0)
  if (platform !== 'h5') {
    // subpackages (the resolution-case pages) load when first opened: the main package is everything else
    const appJson = JSON.parse(fs.readFileSync(path.join(out, 'app.json'), 'utf8'))
    const roots = (appJson.subPackages ?? appJson.subpackages ?? []).map(p => p.root.replace(/\/+$/, ''))
    const under = (f, root) => path.relative(out, f).split(path.sep)[0] === root
    const main = all.filter(f => !roots.some(r => under(f, r))).reduce((n, f) => n + fs.statSync(f).size, 0)
    check(main < MAIN_PACKAGE_LIMIT, `${platform}: main package ${kB(main)} < ${kB(MAIN_PACKAGE_LIMIT)}`)
    for (const r of roots) {
      const size = all.filter(f => under(f, r)).reduce((n, f) => n + fs.statSync(f).size, 0)
      check(size > 0 && size < MAIN_PACKAGE_LIMIT, `${platform}: subpackage ${r}/ ${kB(size)} < ${kB(MAIN_PACKAGE_LIMIT)}`)
    }
    check(total < ALL_PACKAGES_LIMIT, `${platform}: all packages ${kB(total)} < ${kB(ALL_PACKAGES_LIMIT)}`)
  } else {
    console.log(`INFO h5: ${kB(total)} in ${all.length} files`)
  }
  const hits = devPageIn(out)
  check(hits.length === 0, `${platform}: no 模拟短信 page in the production build${hits.length ? `\n  ${hits.join('\n  ')}` : ''}`)
}

// The local build must contain the page: proves the check above can see it when it is there.
if (run('build:h5:local')) {
  check(devPageIn(path.join(root, 'dist/h5-local')).length > 0, 'h5-local: the 模拟短信 page is in the local build')
  const e2e = spawnSync('npx', ['playwright', 'test', '-c', 'playwright.config.mjs'], { cwd: root, stdio: 'inherit' })
  check(e2e.status === 0, 'browser tests against the local runtime')
}

console.log(failures ? `\ntest:builds: ${failures} failed` : '\ntest:builds: all passed')
process.exit(failures ? 1 : 0)
