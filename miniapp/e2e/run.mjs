// Browser tests: the local H5 build (dist/h5-local) in headless Chromium against the real local
// runtime (DynamoDB Local, stream pollers, mocked enterprises) started with e2e/seed.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startRuntime } from './runtime.mjs'
import { appCount, enterpriseCount, expectedResultSms } from './expected-sms.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const SEED = path.join(here, 'seed.json')
const seed = JSON.parse(fs.readFileSync(SEED, 'utf8'))
const SHOTS = path.join(here, 'screenshots')
// A fixed instant, late enough in UTC that China is already on the next day (the SMS must say 7月21日).
// In the future on purpose: with an instant in the past, items written with a TTL already gone are
// dropped by DynamoDB Local before the stream consumers read them.
const NOW = process.env.E2E_NOW || '2030-07-20T16:30:00Z'
const EXPECTED_5551 = '【一证通查】截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号暂无法查询、QQ账号0个、微信账号1个。'

if (!fs.existsSync(path.join(here, '../dist/h5-local/index.html'))) {
  console.error('dist/h5-local is missing: run `npm run build:h5:local` first')
  process.exit(1)
}
fs.mkdirSync(SHOTS, { recursive: true })

const results = []
async function test (name, fn) {
  const started = Date.now()
  try {
    await fn()
    results.push({ name, ok: true })
    console.log(`PASS ${name} (${Date.now() - started} ms)`)
  } catch (e) {
    results.push({ name, ok: false })
    console.log(`FAIL ${name}\n  ${e && e.stack ? e.stack.split('\n').slice(0, 4).join('\n  ') : e}`)
  }
}
function expect (cond, msg) { if (!cond) throw new Error(msg) }
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

const runtime = await startRuntime({ seed: SEED, now: NOW, log: l => { if (process.env.E2E_VERBOSE) console.log('[runtime]', l) } })
const base = runtime.url
console.log(`runtime ${base} (clock from ${NOW})`)

async function sms (phone) {
  const res = await fetch(`${base}/dev/sms?phone=${phone}`)
  return (await res.json()).messages
}
async function waitForSms (phone, pick, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const found = (await sms(phone)).find(pick)
    if (found) return found
    await sleep(300)
  }
  throw new Error(`no ${what} SMS for ${phone} within ${timeoutMs} ms`)
}
const isCode = m => /验证码为\d{6}/.test(m.text)
const codeOf = m => m.text.match(/验证码为(\d{6})/)[1]

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-e2e-'))
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  locale: 'zh-CN'
})
const pageErrors = []
async function openPage (hash = '') {
  const page = await context.newPage()
  page.on('pageerror', e => pageErrors.push(e.message))
  // Chromium logs every 4xx as "Failed to load resource"; the wrong-suffix test causes a 403 on purpose
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console on ${page.url()}: ${m.text()}`)
  })
  await page.goto(`${base}/${hash}`, { waitUntil: 'load' })
  return page
}
// H5 router slide-in before a screenshot
const shot = async (page, name) => { await page.waitForTimeout(800); await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false }) }
const shotFull = async (page, name) => { await page.waitForTimeout(800); await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }) }

async function fillForm (page, { phone, idSuffix, code }) {
  if (phone !== undefined) await page.locator('#phone input').fill(phone)
  if (idSuffix !== undefined) await page.locator('#idSuffix input').fill(idSuffix)
  if (code !== undefined) await page.locator('#code input').fill(code)
}
async function requestCode (page, phone) {
  await fillForm(page, { phone })
  await page.locator('#send-code').click()
  await page.locator('#send-code', { hasText: '秒后重新获取' }).waitFor({ timeout: 10_000 })
  return codeOf(await waitForSms(phone, isCode, 'verification code'))
}

try {
  await test('the form fits a 320 px screen without sideways scrolling', async () => {
    const page = await openPage('#/pages/index/index')
    await page.setViewportSize({ width: 320, height: 640 })
    await page.locator('#phone input').waitFor({ timeout: 20_000 })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow <= 0, `page is ${overflow}px wider than the 320px screen`)
    await shot(page, 'home-320')
    await page.setViewportSize({ width: 375, height: 667 })
    await shot(page, 'home-empty')
    await page.close()
  })

  await test('the guide lists 8 enterprises and 11 apps from the API, with hotlines and a cancelled-number section', async () => {
    expect(enterpriseCount === 8 && appCount === 11, `catalogue has ${enterpriseCount} enterprises / ${appCount} apps`)
    const page = await openPage('#/pages/guide/index')
    await page.locator('.enterprise').first().waitFor({ timeout: 20_000 })
    const enterprises = await page.locator('.enterprise').count()
    const apps = await page.locator('.enterprise .app-tag').count()
    expect(enterprises === 8, `${enterprises} enterprises shown`)
    expect(apps === 11, `${apps} apps shown`)
    const names = await page.locator('.enterprise-name').allInnerTexts()
    expect(names.join(',') === '阿里巴巴,支付宝,抖音,百度,京东,美团,快手,腾讯', `order ${names}`)
    expect(await page.locator('.mode', { hasText: '统一账号' }).count() === 5, 'five unified-account enterprises')
    expect(await page.locator('#cancelled .hotline').count() === 8, 'eight hotlines for cancelled numbers')
    await shot(page, 'guide-top')
    await page.locator('.enterprise .url').first().click()
    await page.getByText('链接已复制').waitFor({ timeout: 5000 })
    await page.locator('#cancelled').scrollIntoViewIfNeeded()
    await shot(page, 'guide-cancelled')
    await page.close()
  })

  let page13900
  await test('a resend during the countdown is impossible', async () => {
    const phone = '13900007777'
    const page = page13900 = await openPage('#/pages/index/index')
    const posts = []
    page.on('request', r => { if (r.method() === 'POST' && r.url().endsWith('/v1/verification-codes')) posts.push(r.url()) })
    await page.locator('#phone input').waitFor({ timeout: 20_000 })
    await requestCode(page, phone)
    const first = await page.locator('#send-code').innerText()
    await page.locator('#send-code').click({ force: true })
    await page.locator('#send-code').click({ force: true })
    await sleep(2500)
    const later = await page.locator('#send-code').innerText()
    expect(posts.length === 1, `${posts.length} code requests sent`)
    expect((await sms(phone)).filter(isCode).length === 1, 'more than one code SMS')
    const n = s => Number(s.match(/(\d+)秒/)?.[1])
    expect(n(first) >= 57 && n(later) < n(first), `countdown ${first} → ${later}`)
    await shot(page, 'home-countdown')
  })

  await test('a wrong ID suffix shows the verification error', async () => {
    const phone = '13900007777'
    const page = page13900
    expect(page, 'previous test did not open the page')
    const code = codeOf(await waitForSms(phone, isCode, 'verification code'))
    await fillForm(page, { idSuffix: '000000', code })
    await page.getByText('我单独同意').click()
    await page.locator('#submit').click()
    const error = page.locator('#form-error')
    await error.waitFor({ timeout: 10_000 })
    const text = await error.innerText()
    expect(text.includes('手机号码与身份证号码后六位不匹配'), `error says "${text}"`)
    expect(page.url().includes('pages/index/index'), `left the form: ${page.url()}`)
    await shot(page, 'home-verification-failed')
    await page.close()
  })

  await test('full flow: code from /dev/sms, submit, SENT, the result SMS says exactly what the seed implies', async () => {
    const phone = '13800005551'
    const expected = expectedResultSms(seed, phone, NOW)
    expect(expected === EXPECTED_5551, `expected-text builder disagrees with the hand-written text:\n${expected}`)
    const page = await openPage('#/pages/index/index')
    await page.locator('#phone input').waitFor({ timeout: 20_000 })
    const code = await requestCode(page, phone)
    await fillForm(page, { idSuffix: '12345x', code })
    await page.getByText('我单独同意').click()
    await shot(page, 'home-filled')
    await page.locator('#submit').click()
    await page.waitForURL(/pages\/submitted\/index/, { timeout: 15_000 })
    const sentTo = await page.locator('#sent-to').innerText()
    expect(sentTo.includes('查询结果将以短信形式发送至尾号5551的手机'), `header says "${sentTo}"`)
    await page.locator('#status', { hasText: /结果短信已(发送|送达)/ }).waitFor({ timeout: 30_000 })
    const rows = await page.locator('#app-list .app-row').allInnerTexts()
    expect(rows.length === 11, `${rows.length} apps in the preview`)
    expect(rows[0].replace(/\s+/g, ' ').trim() === '闲鱼账号 N个', `first row "${rows[0]}"`)
    const body = await page.locator('body').innerText()
    expect(!/账号\s*\d+\s*个/.test(body), 'the page shows a real count')
    expect(body.includes('暂无法查询'), 'the page does not explain 暂无法查询')
    await shotFull(page, 'submitted-sent')

    const result = await waitForSms(phone, m => m.text.includes('截至'), 'result')
    expect(result.text === expected, `result SMS\n  got:      ${result.text}\n  expected: ${expected}`)
    expect(result.to === '138****5551', `SMS addressed to ${result.to}`)

    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))
    expect(!stored.includes('13800005551') && !stored.toUpperCase().includes('12345X') && !stored.includes(code), 'typed data found in web storage')

    await page.locator('#to-guide').click()
    await page.waitForURL(/pages\/guide\/index/, { timeout: 10_000 })
    await page.close()
  })

  await test('模拟短信 shows the result text for the queried number', async () => {
    const page = await openPage('#/pages/dev-sms/index?phone=13800005551')
    const card = page.locator('.sms-text', { hasText: '截至' })
    await card.waitFor({ timeout: 15_000 })
    expect((await card.innerText()).trim() === EXPECTED_5551, 'dev SMS page shows a different text')
    await shotFull(page, 'dev-sms')
    await page.close()
  })

  await test('no script errors in the browser', async () => {
    expect(pageErrors.length === 0, pageErrors.join('\n'))
  })
} finally {
  await context.close()
  fs.rmSync(userDataDir, { recursive: true, force: true })
  await runtime.stop()
}

const failed = results.filter(r => !r.ok).length
console.log(`\ne2e: ${results.length - failed} passed, ${failed} failed; screenshots in ${path.relative(process.cwd(), SHOTS)}/`)
process.exit(failed ? 1 : 0)
