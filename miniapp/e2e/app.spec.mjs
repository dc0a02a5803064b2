// The H5 build as a phone user meets it: 375×667, the real local runtime, a slow and a broken network,
// 关怀模式, an axe scan of every page and state (0 serious/critical), screenshots into docs/.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { appCount, enterpriseCount, expectedResultSms } from './expected-sms.mjs'
import { REPO, startRuntime } from './runtime.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const seed = JSON.parse(fs.readFileSync(path.join(here, 'seed.json'), 'utf8'))
const DOCS = path.join(here, '../docs')
const EXPECTED_5551 = '【一证通查】截至7月21日，您名下尾号为5551的电话卡所注册的互联网账号如下：闲鱼账号1个、淘宝账号1个、钉钉账号0个、支付宝账号1个、抖音平台账号0个、百度平台账号2个、京东平台账号1个、美团平台账号1个、快手平台账号暂无法查询、QQ账号0个、微信账号1个。'
const base = () => process.env.E2E_BASE
const NOW = () => process.env.E2E_NOW

test.describe.configure({ mode: 'serial' })

const pageErrors = []
/** axe results per page and state, written to docs/axe.md at the end */
const axeLog = []

async function open (browser, hash, { context } = {}) {
  const ctx = context ?? await browser.newContext()
  const page = await ctx.newPage()
  page.on('pageerror', e => pageErrors.push(e.message))
  // Chromium logs every 4xx/aborted request as "Failed to load resource"; several tests cause them on purpose
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console on ${page.url()}: ${m.text()}`)
  })
  await page.goto(`${base()}/${hash}`, { waitUntil: 'load' })
  return page
}

/** Screenshot (after the H5 router's slide-in) and axe scan of one page state: no serious or critical violation. */
async function record (page, name, { full = false } = {}) {
  await page.waitForTimeout(800)
  await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage: full })
  const { violations } = await new AxeBuilder({ page }).analyze()
  const bad = violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  axeLog.push({ name, serious: bad.length, other: violations.length - bad.length, rules: violations.map(v => `${v.id}(${v.impact})`) })
  expect(bad.map(v => `${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)).toEqual([])
}

async function sms (phone) {
  const res = await fetch(`${base()}/dev/sms?phone=${phone}`)
  return (await res.json()).messages
}
async function waitForSms (phone, pick, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const found = (await sms(phone)).find(pick)
    if (found) return found
    await new Promise(resolve => setTimeout(resolve, 300))
  }
  throw new Error(`no ${what} SMS for ${phone} within ${timeoutMs} ms`)
}
const isCode = m => /验证码为\d{6}/.test(m.text)
const codeOf = m => m.text.match(/验证码为(\d{6})/)[1]
const isResult = m => m.text.includes('截至')

async function fillForm (page, { phone, idSuffix, code }) {
  if (phone !== undefined) await page.locator('#phone input').fill(phone)
  if (idSuffix !== undefined) await page.locator('#idSuffix input').fill(idSuffix)
  if (code !== undefined) await page.locator('#code input').fill(code)
}
async function requestCode (page, phone) {
  await fillForm(page, { phone })
  await page.locator('#send-code').click()
  await expect(page.locator('#send-code')).toContainText('秒后重新获取', { timeout: 15_000 })
  return codeOf(await waitForSms(phone, isCode, 'verification code'))
}
const box = async locator => (await locator.boundingBox()) ?? { width: 0, height: 0 }

test.beforeAll(() => { fs.mkdirSync(DOCS, { recursive: true }) })
test.afterAll(() => {
  const lines = ['# axe-core scan of every page and state (H5, 375×667)', '', '| page / state | serious + critical | minor + moderate | rules hit |', '|---|---|---|---|',
    ...axeLog.map(a => `| ${a.name} | ${a.serious} | ${a.other} | ${a.rules.join(', ') || '—'} |`)]
  fs.writeFileSync(path.join(DOCS, 'axe.md'), lines.join('\n') + '\n')
})

test('the form fits 320 px, every control has a role, a name and a 44 px target', async ({ browser }) => {
  const page = await open(browser, '#/pages/index/index')
  await page.setViewportSize({ width: 320, height: 640 })
  await page.locator('#phone input').waitFor({ timeout: 20_000 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await page.setViewportSize({ width: 375, height: 667 })
  // named by their labels, the number is a phone field (not a spinbutton)
  await expect(page.getByRole('textbox', { name: '手机号码' })).toHaveAttribute('type', 'tel')
  await expect(page.getByRole('textbox', { name: '手机号码' })).toHaveAttribute('inputmode', 'numeric')
  expect(await page.getByRole('spinbutton').count()).toBe(0)
  await expect(page.getByRole('textbox', { name: '身份证后六位' })).toBeVisible()
  await expect(page.getByRole('textbox', { name: '验证码' })).toBeVisible()
  await expect(page.getByRole('button', { name: '获取验证码' })).toBeVisible()
  await expect(page.getByRole('button', { name: '提交查询' })).toBeVisible()
  await expect(page.getByRole('link', { name: '阅读《个人信息处理规则》' })).toBeVisible()
  await expect(page.getByRole('switch', { name: /关怀模式/ })).toBeVisible()
  for (const sel of ['#send-code', '#privacy-link', '#phone input', '#idSuffix input', '#code input', '#submit', '#guide-link', '#care-switch']) {
    expect((await box(page.locator(sel))).height, sel).toBeGreaterThanOrEqual(44)
  }
  // tapping a row's label puts the cursor in its input
  await page.locator('#idSuffix-label').click()
  await expect(page.locator('#idSuffix input')).toBeFocused()
  // the disabled submit says why, at the control
  await expect(page.locator('#submit-hint')).toHaveText('请先填写：手机号码、身份证后六位、验证码')
  await record(page, 'home')
  await page.close()
})

test('the guide lists 8 enterprises and 11 apps, A–Z; each has its own page with tap-to-call and a copyable link', async ({ browser }) => {
  expect(enterpriseCount).toBe(8)
  expect(appCount).toBe(11)
  const page = await open(browser, '#/pages/guide/index')
  await page.locator('.enterprise').first().waitFor({ timeout: 20_000 })
  await expect(page.locator('.enterprise')).toHaveCount(8)
  await expect(page.locator('.enterprise .app-tag')).toHaveCount(11)
  // grouped A–Z by the catalogue's pinyin initials (albb, bd, dy, jd, ks, mt, tx, zfb)
  expect((await page.locator('.enterprise-name').allInnerTexts()).join(',')).toBe('阿里巴巴,百度,抖音,京东,快手,美团,腾讯,支付宝')
  expect(await page.locator('.group-letter').allInnerTexts()).toEqual(['A', 'B', 'D', 'J', 'K', 'M', 'T', 'Z'])
  await expect(page.locator('.mode', { hasText: '统一账号' })).toHaveCount(5)
  await expect(page.locator('#cancelled .hotline')).toHaveCount(8)
  await record(page, 'guide')
  await page.locator('#enterprise-tencent').click()
  await expect(page.locator('#enterprise-title')).toHaveText('腾讯', { timeout: 10_000 })
  await expect(page.getByRole('link', { name: /拨打客服电话/ })).toBeVisible()
  await record(page, 'guide-enterprise', { full: true })
  await page.getByRole('button', { name: '复制官方网站链接' }).click()
  await page.getByText('链接已复制').waitFor({ timeout: 5000 })
  await page.close()
})

let page7777
test('a resend during the countdown is impossible; the code button keeps its width', async ({ browser }) => {
  const phone = '13900007777'
  const page = page7777 = await open(browser, '#/pages/index/index')
  const posts = []
  page.on('request', r => { if (r.method() === 'POST' && r.url().endsWith('/v1/verification-codes')) posts.push(r.headers()['idempotency-key']) })
  await page.locator('#phone input').waitFor({ timeout: 20_000 })
  await fillForm(page, { phone })
  const before = await box(page.locator('#send-code'))
  await requestCode(page, phone)
  const after = await box(page.locator('#send-code'))
  expect(after.width).toBe(before.width)
  const first = await page.locator('#send-code').innerText()
  await page.locator('#send-code').click({ force: true })
  await page.locator('#send-code').click({ force: true })
  await page.waitForTimeout(2500)
  const later = await page.locator('#send-code').innerText()
  expect(posts).toHaveLength(1)
  expect(posts[0]).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
  expect((await sms(phone)).filter(isCode)).toHaveLength(1)
  const n = s => Number(s.match(/(\d+)秒/)?.[1])
  expect(n(first)).toBeGreaterThanOrEqual(57)
  expect(n(later)).toBeLessThan(n(first))
  // the notice is in a live region, so a screen reader hears it
  await expect(page.locator('[role=status]#live')).toContainText('验证码已发送至139****7777')
  await record(page, 'home-code-sent')
})

test('a wrong ID suffix shows the verification error, tied to the submit', async () => {
  const phone = '13900007777'
  const page = page7777
  const code = codeOf(await waitForSms(phone, isCode, 'verification code'))
  await fillForm(page, { idSuffix: '000000', code })
  await expect(page.locator('#submit-hint')).toHaveText('请先勾选上方的同意选项')
  await page.getByText('我单独同意').click()
  await page.locator('#submit').click()
  const error = page.locator('#form-error[role=alert]')
  await expect(error).toContainText('手机号码与身份证号码后六位不匹配', { timeout: 10_000 })
  expect(page.url()).toContain('pages/index/index')
  await record(page, 'home-verification-failed')
})

test('full flow on a slow network: code from /dev/sms, submit, SENT, the result SMS word for word', async ({ browser }) => {
  const phone = '13800005551'
  const expected = expectedResultSms(seed, phone, NOW())
  expect(expected).toBe(EXPECTED_5551)
  const page = await open(browser, '#/pages/index/index')
  await page.locator('#phone input').waitFor({ timeout: 20_000 })
  // a weak mobile connection: every request waits 800 ms, 40 kB/s each way
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 800, downloadThroughput: 40_000, uploadThroughput: 40_000 })
  const code = await requestCode(page, phone)
  await fillForm(page, { idSuffix: '12345x', code })
  await page.getByText('我单独同意').click()
  await page.locator('#submit').click()
  await expect(page.locator('#submit')).toHaveText('正在提交')
  await page.waitForURL(/pages\/submitted\/index/, { timeout: 20_000 })
  await expect(page.locator('#sent-to')).toContainText('查询结果将以短信形式发送至尾号5551的手机')
  // the local runtime takes the carrier's receipt at once: the page goes on asking after SENT and ends at 已送达
  await expect(page.locator('#status')).toContainText('结果短信已送达', { timeout: 30_000 })
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  // the action is above the fold, the app list folded
  expect((await box(page.locator('#to-guide'))).y).toBeLessThan(667)
  await expect(page.locator('#app-list')).toHaveCount(0)
  await record(page, 'submitted-sent')
  await page.getByRole('button', { name: /短信将包含的内容/ }).click()
  const rows = await page.locator('#app-list .app-row').allInnerTexts()
  expect(rows).toHaveLength(11)
  expect(rows[0].replace(/\s+/g, ' ').trim()).toBe('闲鱼账号 N个')
  const body = await page.locator('body').innerText()
  expect(body).not.toMatch(/账号\s*\d+\s*个/)
  expect(body).toContain('暂无法查询')
  await record(page, 'submitted-sent-unfolded', { full: true })

  const result = await waitForSms(phone, isResult, 'result')
  expect(result.text).toBe(expected)
  expect(result.to).toBe('138****5551')
  expect((await sms(phone)).filter(isResult)).toHaveLength(1)

  // nothing typed in web storage (the only keys are the idempotency key while pending and 关怀模式)
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))
  expect(stored).not.toContain('13800005551')
  expect(stored.toUpperCase()).not.toContain('12345X')
  expect(stored).not.toContain(code)

  await page.locator('#to-guide').click()
  await page.waitForURL(/pages\/guide\/index/, { timeout: 10_000 })
  await page.close()
})

test('offline at submit: the page says the outcome is unknown, checks again, and the query arrives once', async ({ browser }) => {
  const phone = '13700001234'
  const context = await browser.newContext()
  const page = await open(browser, '#/pages/index/index', { context })
  const keys = []
  page.on('request', r => { if (r.method() === 'POST' && r.url().endsWith('/v1/queries')) keys.push(r.headers()['idempotency-key']) })
  await page.locator('#phone input').waitFor({ timeout: 20_000 })
  const code = await requestCode(page, phone)
  await fillForm(page, { idSuffix: '11111x', code })
  await page.getByText('我单独同意').click()
  await context.setOffline(true)
  await page.locator('#submit').click()
  await expect(page.locator('#outcome-unknown[role=status]')).toContainText('暂不确定是否已提交成功', { timeout: 10_000 })
  await expect(page.locator('#form-error')).toHaveCount(0)
  await record(page, 'home-outcome-unknown')
  await context.setOffline(false)
  await page.waitForURL(/pages\/submitted\/index/, { timeout: 30_000 })
  await expect(page.locator('#status')).toContainText(/结果短信已(发送|送达)/, { timeout: 30_000 })
  await waitForSms(phone, isResult, 'result')
  expect((await sms(phone)).filter(isResult)).toHaveLength(1)
  expect(new Set(keys.filter(Boolean)).size).toBeLessThanOrEqual(1)
  await context.close()
})

// The server honours Idempotency-Key: the retry of a lost answer gets the first answer, not a used code.
test('the answer is lost after the server accepted: the retry gets the same queryId, no query is lost', async () => {
  const phone = '13900007777'
  const page = page7777
  const code = codeOf(await waitForSms(phone, isCode, 'verification code'))
  let firstAnswer
  await page.route('**/v1/queries', async route => {
    if (route.request().method() !== 'POST' || firstAnswer) return route.continue()
    const res = await route.fetch()
    firstAnswer = await res.json()
    await route.abort('timedout') // the server accepted; the phone never hears it
  })
  await fillForm(page, { idSuffix: '654321', code })
  await page.locator('#submit').click()
  await page.waitForURL(/pages\/submitted\/index/, { timeout: 20_000 })
  expect(firstAnswer?.queryId).toBeTruthy()
  expect(decodeURIComponent(page.url())).toContain(`queryId=${firstAnswer.queryId}`)
})

test('an unknown query shows only 未找到, with the way home first', async ({ browser }) => {
  const page = await open(browser, '#/pages/submitted/index?queryId=00000000-0000-4000-8000-000000000000&maskedPhone=138****5551')
  await expect(page.locator('#status')).toContainText('未找到该查询记录', { timeout: 15_000 })
  await expect(page.locator('body')).not.toContainText('已受理')
  await expect(page.locator('body')).not.toContainText('正在排队')
  await expect(page.getByRole('img', { name: '未完成' })).toBeVisible()
  await record(page, 'submitted-not-found')
  await page.close()
})

test('关怀模式: remembered on the device, 20 px text, 56 px controls, one field per step', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await open(browser, '#/pages/index/index', { context })
  await page.locator('#care-switch').click()
  await page.reload()
  await expect(page.locator('#care-switch')).toHaveAttribute('aria-checked', 'true', { timeout: 20_000 })
  await expect(page.locator('#step-count')).toHaveText('第1步，共3步')
  await expect(page.locator('#idSuffix')).toHaveCount(0)
  for (const sel of ['.hero-sub', '.tip', '.cell-label']) {
    const px = await page.locator(sel).first().evaluate(el => parseFloat(getComputedStyle(el).fontSize))
    expect(px, sel).toBeGreaterThanOrEqual(20)
  }
  for (const sel of ['#phone input', '#send-code', '#next-step', '#care-switch', '#guide-link']) {
    if (await page.locator(sel).count() === 0) continue
    expect((await box(page.locator(sel))).height, sel).toBeGreaterThanOrEqual(56)
  }
  await record(page, 'care-step-1')
  await fillForm(page, { phone: '13800005551' })
  await page.locator('#next-step').click()
  await expect(page.locator('#idSuffix input')).toBeVisible()
  await expect(page.locator('#phone')).toHaveCount(0)
  await fillForm(page, { idSuffix: '12345x' })
  await page.locator('#next-step').click()
  await expect(page.locator('#code input')).toBeVisible()
  await record(page, 'care-step-3')
  // axe's color-contrast-enhanced is the 7:1 rule
  const { violations } = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze()
  expect(violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))).toEqual([])
  await context.close()
})

test('the privacy notice and 模拟短信 pages', async ({ browser }) => {
  const privacy = await open(browser, '#/pages/privacy/index')
  await privacy.locator('.hero-title', { hasText: '个人信息处理规则' }).waitFor({ timeout: 15_000 })
  await record(privacy, 'privacy')
  await privacy.close()
  const page = await open(browser, '#/pages/dev-sms/index?phone=13800005551')
  const card = page.locator('.sms-text', { hasText: '截至' })
  await card.waitFor({ timeout: 15_000 })
  expect((await card.innerText()).trim()).toBe(EXPECTED_5551)
  await record(page, 'dev-sms', { full: true })
  await page.close()
})

// Resolution cases (异议账号处理), the whole way as a person goes: a query first, then from its result page
// two apps, the verification just completed (no second code), the separate consent, the ticket, the accepted
// SMS word for word (PRODUCT.md), and 工单详情 moving on as the mocked enterprises answer (seed.json: 阿里巴巴
// acknowledges after 1.5 s and resolves after 6 s, 抖音 acknowledges after 2.5 s and asks for its own
// identity check after 8 s).
const CASE_PHONE = '13600002468'
const TICKET = /^YZT-\d{8}-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/

test('a resolution case from the result page: two apps, the verification just completed, the ticket, the SMS, the detail moving on', async ({ browser }) => {
  // the enterprises answer within seconds, but a second code for the same number waits out the 60 s resend window
  test.setTimeout(180_000)
  const context = await browser.newContext()
  const page = await open(browser, '#/pages/index/index', { context })
  const casePosts = []
  page.on('request', r => {
    if (r.method() === 'POST' && r.url().endsWith('/v1/cases')) casePosts.push({ body: JSON.parse(r.postData() ?? '{}'), key: r.headers()['idempotency-key'] })
  })
  await page.locator('#phone input').waitFor({ timeout: 20_000 })
  const code = await requestCode(page, CASE_PHONE)
  const codeSentAt = Date.now()
  await fillForm(page, { idSuffix: '24680x', code })
  await page.getByText('我单独同意').click()
  await page.locator('#submit').click()
  await page.waitForURL(/pages\/submitted\/index/, { timeout: 20_000 })
  await expect(page.locator('#status')).toContainText(/结果短信已(发送|送达)/, { timeout: 30_000 })
  const codesBefore = (await sms(CASE_PHONE)).filter(isCode).length

  // from the result page
  await page.getByRole('button', { name: '异议账号处理' }).click()
  await page.waitForURL(/case\/new\/index/, { timeout: 10_000 })
  await expect(page.locator('.app-choice')).toHaveCount(11, { timeout: 15_000 })
  // the apps by label, in SMS order
  expect((await page.locator('.choice-name').allInnerTexts()).join(',')).toBe('闲鱼账号,淘宝账号,钉钉账号,支付宝账号,抖音平台账号,百度平台账号,京东平台账号,美团平台账号,快手平台账号,QQ账号,微信账号')
  // until something is chosen the submit says what is missing
  await expect(page.locator('#case-submit-hint')).toContainText('要处理的应用')
  const taobao = page.getByRole('checkbox', { name: /淘宝账号/ })
  const douyin = page.getByRole('checkbox', { name: /抖音平台账号/ })
  await douyin.click()
  await taobao.click()
  await expect(taobao).toBeChecked()
  await expect(douyin).toBeChecked()
  await page.locator('#app-taobao').getByRole('radio', { name: '不是本人注册' }).click()
  await page.locator('#app-douyin').getByRole('radio', { name: '不再使用，申请解绑/注销' }).click()
  await expect(page.locator('#app-taobao').getByRole('radio', { name: '不是本人注册' })).toHaveAttribute('aria-checked', 'true')
  await page.getByRole('textbox', { name: '补充说明（选填）' }).first().fill('从未注册过淘宝，请解绑')
  // a link in a note is refused at the note
  await page.getByRole('textbox', { name: '补充说明（选填）' }).nth(1).fill('见 www.example.com')
  await expect(page.locator('#app-douyin-error')).toHaveText('备注不能包含链接')
  await page.getByRole('textbox', { name: '补充说明（选填）' }).nth(1).fill('')
  await expect(page.locator('#app-douyin-error')).toHaveCount(0)
  await page.getByRole('heading', { name: '异议账号处理' }).scrollIntoViewIfNeeded()
  await record(page, 'case-form-apps')

  // the query just completed verifies the case: the number and suffix again, no code
  await expect(page.locator('#recent-hint')).toContainText('您刚完成了136****2468的查询验证')
  await page.locator('#case-phone input').fill(CASE_PHONE)
  await page.locator('#case-idSuffix input').fill('24680x')
  const recent = page.getByRole('radio', { name: /使用刚完成的验证/ })
  await expect(recent).toHaveAttribute('aria-checked', 'true')
  await expect(page.locator('#case-code')).toHaveCount(0)
  // the separate consent, word for word, naming the two enterprises in SMS order
  await expect(page.locator('#case-consent')).toHaveText('我单独同意：为处理本次异议申请，将我的手机号码提供给所选企业（阿里巴巴、抖音），用于核查和处理该号码注册的账号。')
  await expect(page.locator('#case-submit-hint')).toHaveText('请先勾选上方的同意选项')
  for (const sel of ['#app-taobao-label', '#kind-taobao-NOT_MINE', '#method-recent', '#case-consent', '#case-submit', '#case-form-my-cases']) {
    expect((await box(page.locator(sel))).height, sel).toBeGreaterThanOrEqual(44)
  }
  await page.locator('#case-consent').getByText('我单独同意').click()
  await expect(page.locator('#case-submit-hint')).toHaveCount(0)
  await record(page, 'case-form-verify')

  await page.locator('#case-submit').click()
  await page.waitForURL(/case\/submitted\/index/, { timeout: 20_000 })
  expect(casePosts).toHaveLength(1)
  expect(casePosts[0].key).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
  expect(casePosts[0].body).toMatchObject({ phone: CASE_PHONE, idSuffix: '24680X', consent: true, items: [
    { appId: 'taobao', kind: 'NOT_MINE', note: '从未注册过淘宝，请解绑' }, { appId: 'douyin', kind: 'NO_LONGER_USED' }
  ] })
  expect(casePosts[0].body.queryId).toMatch(/^[0-9a-f-]{36}$/)
  expect(casePosts[0].body.code).toBeUndefined()
  expect((await sms(CASE_PHONE)).filter(isCode)).toHaveLength(codesBefore) // no second code was needed

  const ticket = (await page.locator('#case-ticket').innerText()).trim()
  expect(ticket).toMatch(TICKET)
  await expect(page.locator('#next-steps')).toContainText('我们把申请转交阿里巴巴、抖音（涉及淘宝、抖音平台）')
  await expect(page.getByRole('button', { name: '复制工单号' })).toBeVisible()
  await record(page, 'case-submitted')
  await page.getByRole('button', { name: '复制工单号' }).click()
  await page.getByText('工单号已复制').waitFor({ timeout: 5000 })

  // the token is kept on the device with the ticket, never shown; nothing typed is stored
  const stored = await page.evaluate(() => ({ ...localStorage }))
  const cases = JSON.parse(stored['yzt.cases']).data
  expect(cases).toHaveLength(1)
  expect(cases[0]).toMatchObject({ ticket, maskedPhone: '136****2468', appIds: ['taobao', 'douyin'] })
  expect(cases[0].accessToken.length).toBeGreaterThanOrEqual(32)
  expect(await page.locator('body').innerText()).not.toContain(cases[0].accessToken)
  const all = JSON.stringify(stored)
  expect(all).not.toContain(CASE_PHONE)
  expect(all.toUpperCase()).not.toContain('24680X')
  expect(all).not.toContain('从未注册过淘宝')
  expect(stored['yzt.recentQuery']).toBeUndefined() // a query verifies one case

  // the carrier delivered the accepted SMS (PRODUCT.md, word for word)
  const accepted = await waitForSms(CASE_PHONE, m => m.text.includes('异议申请已受理'), 'case accepted')
  expect(accepted.text).toBe(`【一证通查】您的异议申请已受理，工单号${ticket}，涉及淘宝、抖音平台，企业将在5个工作日内处理，结果将短信通知您。`)
  expect(accepted.to).toBe('136****2468')

  // 工单详情: the items move past SUBMITTED as the enterprises take and answer them
  await page.getByRole('button', { name: '查看工单详情' }).click()
  await page.waitForURL(/case\/detail\/index/, { timeout: 10_000 })
  await expect(page.locator('#item-taobao')).toBeVisible({ timeout: 15_000 })
  await expect(page.locator('#detail-ticket')).toContainText(ticket)
  for (const id of ['taobao', 'douyin']) {
    await expect(page.locator(`#item-${id}-status`)).not.toHaveText('已提交，正在转交', { timeout: 30_000 })
  }
  await expect(page.locator('#item-taobao .timeline-step')).toContainText(['提交申请', '已转交企业'])
  await record(page, 'case-detail-progress', { full: true })
  // the answers come later: refresh until both are in
  await expect(async () => {
    await page.locator('#refresh').click()
    await expect(page.locator('#item-taobao-status')).toHaveText('已处理', { timeout: 1500 })
    await expect(page.locator('#item-douyin-status')).toHaveText('需要您在App内核验身份', { timeout: 1500 })
  }).toPass({ timeout: 45_000, intervals: [1000, 2000] })
  await expect(page.locator('#item-taobao .timeline-step')).toHaveCount(4)
  await expect(page.locator('#item-taobao .timeline-step').last()).toContainText('企业已处理：已解绑该号码')
  await expect(page.locator('#result-taobao')).toHaveText('处理结果：已解绑该号码。')
  await expect(page.locator('#instructions-douyin')).toContainText('完成人脸核验')
  await expect(page.locator('#link-douyin')).toHaveText('https://example.com/douyin/verify')
  await expect(page.locator('#deadlines-taobao')).toHaveCount(0)
  await record(page, 'case-detail', { full: true })
  await page.getByRole('button', { name: /复制.*核验链接/ }).click()
  await page.getByText('链接已复制').waitFor({ timeout: 5000 })
  // never counts, never the number
  const detail = await page.locator('body').innerText()
  expect(detail).not.toContain(CASE_PHONE)
  expect(detail).not.toMatch(/账号\s*\d+\s*个/)

  // 我的工单: from local storage
  await page.getByRole('button', { name: '我的工单' }).click()
  await page.waitForURL(/case\/list\/index/, { timeout: 10_000 })
  await expect(page.locator('.case-row')).toHaveCount(1)
  await expect(page.locator('.case-row')).toContainText(ticket)
  await expect(page.locator('.case-row')).toContainText('136****2468')
  await expect(page.locator('.case-row')).toContainText('淘宝、抖音平台')
  await record(page, 'my-cases')

  // the same apps again while their items are open: CONFLICT, named at the apps (a fresh code this time)
  await page.getByRole('button', { name: '新的异议申请' }).click()
  await page.waitForURL(/case\/new\/index/, { timeout: 10_000 })
  await expect(page.locator('.app-choice')).toHaveCount(11, { timeout: 15_000 })
  await page.getByRole('checkbox', { name: /抖音平台账号/ }).click()
  await page.locator('#app-douyin').getByRole('radio', { name: '不是本人注册' }).click()
  await expect(page.locator('#recent-hint')).toHaveCount(0)
  await page.locator('#case-idSuffix input').fill('24680x')
  await page.waitForTimeout(Math.max(0, 62_000 - (Date.now() - codeSentAt)))
  await page.locator('#case-phone input').fill(CASE_PHONE)
  await page.locator('#case-send-code').click()
  await expect(page.locator('#case-code-notice')).toContainText('验证码已发送至136****2468', { timeout: 15_000 })
  const code2 = codeOf(await waitForSms(CASE_PHONE, m => isCode(m) && codeOf(m) !== code, 'second verification code'))
  await page.locator('#case-code input').fill(code2)
  await page.locator('#case-consent').getByText('我单独同意').click()
  await page.locator('#case-submit').click()
  await expect(page.locator('#case-form-error[role=alert]')).toContainText('抖音平台已有处理中的异议申请。', { timeout: 15_000 })
  await expect(page.locator('#app-douyin-error')).toHaveText('已有处理中的异议申请')
  await record(page, 'case-form-conflict')
  await context.close()
})

test('工单详情 after the case is gone (a token the API does not know): the ticket is no longer available', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await open(browser, '#/case/list/index', { context })
  const ghost = { caseId: '00000000-0000-4000-8000-000000000000', ticket: 'YZT-20300721-ZZZZZZ', accessToken: 'x'.repeat(43), maskedPhone: '136****2468', createdAt: '2030-07-20T16:31:00.000Z', appIds: ['taobao'] }
  await page.evaluate(c => localStorage.setItem('yzt.cases', JSON.stringify({ data: [c] })), ghost)
  await page.goto(`${base()}/#/case/detail/index?caseId=${ghost.caseId}`)
  await expect(page.locator('#detail-status')).toContainText('该工单已无法查看', { timeout: 15_000 })
  await expect(page.locator('#gone')).toContainText('工单YZT-20300721-ZZZZZZ已不存在')
  await record(page, 'case-detail-gone')
  await page.getByRole('button', { name: '从我的工单中移除' }).click()
  await page.waitForURL(/case\/list\/index/, { timeout: 10_000 })
  await expect(page.locator('#cases-empty')).toContainText('本机还没有异议工单')
  await context.close()
})

test('关怀模式 on the case form: 20 px text, 56 px controls, 7:1 contrast, one thing per step', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await open(browser, '#/pages/index/index', { context })
  await page.locator('#care-switch').click()
  await page.goto(`${base()}/#/case/new/index`)
  await expect(page.locator('.app-choice')).toHaveCount(11, { timeout: 15_000 })
  await expect(page.locator('#case-step-count')).toHaveText('第1步，共4步')
  await expect(page.locator('#case-phone')).toHaveCount(0)
  await page.getByRole('checkbox', { name: /淘宝账号/ }).click()
  await page.locator('#app-taobao').getByRole('radio', { name: '不是本人注册' }).click()
  for (const sel of ['.choice-name', '.kind', '.hero-sub']) {
    const px = await page.locator(sel).first().evaluate(el => parseFloat(getComputedStyle(el).fontSize))
    expect(px, sel).toBeGreaterThanOrEqual(20)
  }
  for (const sel of ['#app-taobao-label', '#kind-taobao-NOT_MINE', '#case-next-step']) {
    expect((await box(page.locator(sel))).height, sel).toBeGreaterThanOrEqual(56)
  }
  await record(page, 'case-form-care')
  const { violations } = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze()
  expect(violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))).toEqual([])
  await context.close()
})

/** a national-scale catalogue: the 8 demo enterprises (the mocks answer them) and 48 more, 200 apps */
function bigCatalogueFile () {
  const { enterprises } = JSON.parse(fs.readFileSync(path.join(REPO, 'functions/src/catalogue/enterprises.json'), 'utf8'))
  const letters = 'abcdefghjklmnpqrstwxyz'
  let left = 200 - enterprises.reduce((n, e) => n + e.apps.length, 0)
  const more = []
  for (let i = 0; left > 0; i++) {
    const n = Math.min(4, left)
    left -= n
    more.push({
      id: `gen${i}`, name: `测试企业${i}`, initials: `${letters[i % letters.length]}qy${i}`, accountMode: 'independent',
      apps: Array.from({ length: n }, (_, a) => ({ id: `gen${i}a${a}`, label: `应用${i}${'甲乙丙丁'[a]}账号`, initials: `yy${i}${'jybd'[a]}` })),
      guide: { details: ['在App内查看'], unbind: ['在App内解绑'], hotline: '10000', url: 'https://example.com' }
    })
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-e2e-big-')), 'enterprises.json')
  fs.writeFileSync(file, JSON.stringify({ enterprises: [...enterprises, ...more] }))
  return file
}

test('查看明细 at national scale: a 200-app query gets the summary SMS; number + result code on the page show each app', async ({ browser }) => {
  test.setTimeout(300_000)
  // a runtime of its own, on a 200-app catalogue (the shared one keeps the seed's 8 enterprises)
  const file = bigCatalogueFile()
  const saved = { base: process.env.E2E_BASE, file: process.env.ENTERPRISES_FILE }
  process.env.ENTERPRISES_FILE = file
  const big = await startRuntime({ seed: path.join(here, 'seed.json'), now: NOW() })
  if (saved.file === undefined) delete process.env.ENTERPRISES_FILE
  else process.env.ENTERPRISES_FILE = saved.file
  process.env.E2E_BASE = big.url
  try {
    const phone = '13800005551'
    const page = await open(browser, '#/pages/index/index')
    await page.locator('#phone input').waitFor({ timeout: 20_000 })
    const code = await requestCode(page, phone)
    await fillForm(page, { idSuffix: '12345x', code })
    await page.getByText('我单独同意').click()
    await page.locator('#submit').click()
    await page.waitForURL(/pages\/submitted\/index/, { timeout: 20_000 })
    const result = await waitForSms(phone, isResult, 'result', 60_000)
    const m = /在已接入的200个互联网应用中，(\d+)个应用注册了账号，共(\d+)个；(\d+)个应用暂无法查询。明细请在“一证通查”小程序输入结果码([A-Z2-9]{8})查看/.exec(result.text)
    expect(m, result.text).not.toBeNull()
    expect(Math.ceil(result.text.length / 67)).toBeLessThanOrEqual(3)
    const resultCode = m[4]
    // the entry on the submitted page
    await expect(page.locator('#status')).toContainText('结果短信已送达', { timeout: 30_000 })
    await record(page, 'details-0-submitted')
    await page.locator('#to-details').click()
    await page.waitForURL(/pages\/details\/index/, { timeout: 10_000 })
    await page.locator('#details-phone input').waitFor({ timeout: 10_000 })
    await expect(page.locator('#details-code input')).toBeVisible()
    // only the number and the result code are asked
    expect(await page.locator('.page.details input').count()).toBe(2)
    await record(page, 'details-1-form')
    await page.locator('#details-phone input').fill(phone)
    await page.locator('#details-code input').fill('ABCD2345')
    await page.locator('#details-submit').click()
    await expect(page.locator('#details-code-error')).toContainText('结果码不正确或已过期', { timeout: 10_000 })
    await record(page, 'details-2-wrong-code')
    await page.locator('#details-code input').fill(resultCode.toLowerCase())
    await page.locator('#details-submit').click()
    await expect(page.locator('#details-list .result-row')).toHaveCount(200, { timeout: 10_000 })
    const rows = (await page.locator('#details-list .result-row').allInnerTexts()).map(r => r.replace(/\s+/g, ' ').trim())
    expect(rows.slice(0, 3)).toEqual(['闲鱼账号 1个', '淘宝账号 1个', '钉钉账号 0个'])
    expect(rows.filter(r => r.endsWith('暂无法查询'))).toHaveLength(Number(m[3]))
    await expect(page.locator('#details-title')).toContainText('138****5551')
    await record(page, 'details-3-list')
    // the entry on the home page, beside 解绑与明细查询
    const home = await open(browser, '#/pages/index/index')
    await home.locator('#details-link').waitFor({ timeout: 20_000 })
    expect(await home.locator('.links .link-row').evaluateAll(rows => rows.map(r => r.id))).toEqual(expect.arrayContaining(['guide-link', 'details-link']))
    // the guide: 200 apps, searchable by pinyin initials, an A–Z index
    await home.locator('#guide-link').click()
    await home.locator('.enterprise').first().waitFor({ timeout: 20_000 })
    await expect(home.locator('.enterprise .app-tag')).toHaveCount(200)
    await home.locator('#guide-search input').fill('tb')
    await expect(home.locator('.enterprise')).toHaveCount(1)
    await expect(home.locator('#enterprise-alibaba')).toBeVisible()
    await record(home, 'details-4-guide-search')
    await home.locator('#guide-search-clear').click()
    await expect(home.locator('#az-index .az-letter').first()).toBeVisible()
    await record(home, 'details-5-guide-az')
    await home.close()
    await page.close()
  } finally {
    process.env.E2E_BASE = saved.base
    await big.stop()
  }
})

test('no script errors in the browser', async () => {
  page7777?.close().catch(() => undefined)
  expect(pageErrors).toEqual([])
})
