// `npm run bench`: build sizes of the mini-program beside a bare Taro hello-world built the same way,
// and H5 time to first paint / interactive in headless Chromium on localhost (median of 5 cold loads).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
const APP = path.resolve(here, '..')
const HELLO = path.join(here, 'hello-world')
const TARO = path.resolve(APP, '../node_modules/.bin/taro')
const PLATFORMS = ['weapp', 'alipay', 'h5']
const RUNS = Number(process.env.BENCH_RUNS || 5)
const skipBuild = process.argv.includes('--no-build')

function build (dir, platform) {
  const env = { ...process.env, NODE_ENV: 'production' }
  delete env.TARO_APP_API_BASE
  delete env.YZT_DEV_SMS
  fs.rmSync(path.join(dir, 'dist', platform), { recursive: true, force: true })
  const started = Date.now()
  const r = spawnSync(TARO, ['build', '--type', platform], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0 || !fs.existsSync(path.join(dir, 'dist', platform))) {
    console.error((r.stdout + r.stderr).slice(-3000))
    throw new Error(`build ${platform} in ${dir} failed`)
  }
  return (Date.now() - started) / 1000
}

function sizes (dir) {
  const all = fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter(d => d.isFile())
    .map(d => { const f = path.join(d.parentPath ?? d.path, d.name); return { f: path.relative(dir, f), n: fs.statSync(f).size } })
  const largest = all.reduce((a, b) => (b.n > a.n ? b : a), { f: '-', n: 0 })
  // mini-programs: subpackages (the case pages) load when first opened; the main package is the rest
  const appJson = path.join(dir, 'app.json')
  const roots = fs.existsSync(appJson)
    ? (JSON.parse(fs.readFileSync(appJson, 'utf8')).subPackages ?? []).map(p => p.root.replace(/\/+$/, ''))
    : []
  const main = all.filter(x => !roots.includes(x.f.split(path.sep)[0])).reduce((s, x) => s + x.n, 0)
  return { total: all.reduce((s, x) => s + x.n, 0), main, files: all.length, largest }
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json' }
async function serve (root) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    let file = path.join(root, url)
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html')
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise(resolve => server.close(resolve)) }
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }

/** interactive = the page's first control is rendered by React (so its handlers are attached) */
async function timeH5 (browser, root, selector) {
  const srv = await serve(root)
  const fp = []; const fcp = []; const tti = []
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 375, height: 667 } }) // cold cache each time
      const page = await context.newPage()
      await page.goto(`${srv.url}/`, { waitUntil: 'commit' })
      await page.waitForFunction(sel => {
        if (!document.querySelector(sel)) return false
        window.__interactive ??= performance.now()
        return true
      }, selector, { polling: 'raf', timeout: 30_000 })
      await page.waitForTimeout(100)
      const t = await page.evaluate(() => ({
        fp: performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        tti: window.__interactive
      }))
      fp.push(t.fp); fcp.push(t.fcp); tti.push(t.tti)
      await context.close()
    }
  } finally {
    await srv.close()
  }
  return { fp: median(fp), fcp: median(fcp), tti: median(tti) }
}

const kB = n => `${(n / 1024).toFixed(1)} kB`
const ms = n => `${n.toFixed(0)} ms`

const rows = []
for (const platform of PLATFORMS) {
  const t1 = skipBuild ? NaN : build(APP, platform)
  const t2 = skipBuild ? NaN : build(HELLO, platform)
  const a = sizes(path.join(APP, 'dist', platform))
  const h = sizes(path.join(HELLO, 'dist', platform))
  rows.push({ platform, a, h, t1, t2 })
}

console.log('\nBuild output (production, no dev page)')
console.log('| build | yzt total | yzt main package (× hello) | yzt largest file | hello-world total | hello-world largest file | yzt − hello | build s (yzt / hello) |')
console.log('|---|---|---|---|---|---|---|---|')
for (const { platform, a, h, t1, t2 } of rows) {
  const main = platform === 'h5' ? '—' : `${kB(a.main)} (${(a.main / h.total).toFixed(3)}×)`
  console.log(`| ${platform} | ${kB(a.total)} (${a.files} files) | ${main} | ${a.largest.f} ${kB(a.largest.n)} | ${kB(h.total)} (${h.files} files) | ${h.largest.f} ${kB(h.largest.n)} | +${kB(a.total - h.total)} | ${t1.toFixed(1)} / ${t2.toFixed(1)} |`)
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync']
})
try {
  const app = await timeH5(browser, path.join(APP, 'dist/h5'), '#phone input')
  const hello = await timeH5(browser, path.join(HELLO, 'dist/h5'), '.hello')
  console.log(`\nH5 in headless Chromium on localhost, 375×667, cold cache, median of ${RUNS}`)
  console.log('| page | first paint | first contentful paint | interactive |')
  console.log('|---|---|---|---|')
  console.log(`| yzt 查询 (home) | ${ms(app.fp)} | ${ms(app.fcp)} | ${ms(app.tti)} |`)
  console.log(`| hello-world | ${ms(hello.fp)} | ${ms(hello.fcp)} | ${ms(hello.tti)} |`)
} finally {
  await browser.close()
}
