// 绑定提醒 as a phone user meets it (H5, 375×667): opt in on the 绑定提醒 page, an enterprise reports a new
// binding (signed, as its connector would), the alert SMS arrives, and its 异议账号处理 link opens the case
// form with that app chosen as 不是本人注册. Its own runtime, at 10:00 China time (the shared one runs at
// 00:30, inside quiet hours, where the alert would be held until 08:00). Screenshots into docs/alerts-*.png.
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { startRuntime } from './runtime.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const DOCS = path.join(here, '../docs')
// the local runtime's development master key (functions/src/adapters/secrets.ts DEV_SECRETS)
const MASTER = 'local-development-enterprise-key'
const PHONE = '13800005551'
const ID_SUFFIX = '12345X'

test.describe.configure({ mode: 'serial' })
let runtime
test.beforeAll(async () => {
  fs.mkdirSync(DOCS, { recursive: true })
  runtime = await startRuntime({ seed: path.join(here, 'seed.json'), now: '2030-07-21T02:00:00Z' })
  ready = Date.now()
})
test.afterAll(async () => { await runtime?.stop() })

const sms = async () => (await (await fetch(`${runtime.url}/dev/sms?phone=${PHONE}`)).json()).messages
async function waitForSms (pick, what) {
  const until = Date.now() + 30_000
  while (Date.now() < until) {
    const found = (await sms()).find(pick)
    if (found) return found
    await new Promise(resolve => setTimeout(resolve, 300))
  }
  throw new Error(`no ${what} SMS within 30 s`)
}

async function record (page, name) {
  await page.waitForTimeout(800)
  await page.screenshot({ path: path.join(DOCS, `${name}.png`) })
  const { violations } = await new AxeBuilder({ page }).analyze()
  const bad = violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map(v => `${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/**
 * The runtime's clock started at NOW when its process did, a little before it answered: `ready` (when it
 * answered) + elapsed is a lower bound on its time, at most the start-up late. A binding dated 2 minutes
 * past that bound comes after the opt-in and within the 5 minutes a binding may be ahead of our clock.
 */
const NOW = Date.parse('2030-07-21T02:00:00Z')
let ready = Date.now()
const runtimeTimeAtLeast = () => NOW + (Date.now() - ready)

/** what an enterprise's connector does: signed with its own key, over method, path and body */
async function reportBinding (enterpriseId, appId) {
  const key = createHmac('sha256', MASTER).update(`enterprise\0${enterpriseId}`).digest('hex')
  const path = '/v1/enterprise-events/bindings'
  const at = runtimeTimeAtLeast()
  const body = JSON.stringify({ events: [{ eventId: `e2e-${at}`, phone: PHONE, appId, boundAt: new Date(at + 2 * 60_000).toISOString() }] })
  const timestamp = String(at)
  const signature = createHmac('sha256', key).update(`${timestamp}\nPOST ${path}\n${body}`).digest('hex')
  const res = await fetch(runtime.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-yzt-caller': enterpriseId, 'x-yzt-timestamp': timestamp, 'x-yzt-signature': signature },
    body
  })
  expect(res.status).toBe(200)
  return res.json()
}

test('opt in → alert SMS → the case form for that app, in one step', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${runtime.url}/`, { waitUntil: 'load' })
  await page.locator('#home-alerts').click()
  await expect(page.locator('#alerts-phone input')).toBeVisible()
  await record(page, 'alerts-page')

  await page.locator('#alerts-phone input').fill(PHONE)
  await page.locator('#alerts-idSuffix input').fill(ID_SUFFIX)
  await page.locator('#alerts-send-code').click()
  const code = (await waitForSms(m => /验证码为\d{6}/.test(m.text), 'code')).text.match(/验证码为(\d{6})/)[1]
  await page.locator('#alerts-code input').fill(code)
  await page.getByText(/^我单独同意：开通绑定提醒后/).click()
  await page.locator('#alerts-submit').click()
  await expect(page.locator('#alerts-done')).toContainText('已为138****5551开通绑定提醒')
  await record(page, 'alerts-on')
  await waitForSms(m => m.text.includes('您已开通一证通查绑定提醒'), 'confirmation')

  const answer = await reportBinding('tencent', 'wechat')
  expect(answer.results[0].outcome).toBe('ACCEPTED')
  const alert = await waitForSms(m => m.text.includes('新绑定了您尾号5551的号码'), 'alert')
  expect(alert.text).toMatch(/^【一证通查】微信于7月21日10:\d\d新绑定了您尾号5551的号码。如非本人操作，请在“一证通查”小程序“异议账号处理”中申请解绑。$/)

  await page.goto(`${runtime.url}/#/pages/dev-sms/index?phone=${PHONE}`, { waitUntil: 'load' })
  await expect(page.getByText(/新绑定了您尾号5551/)).toBeVisible({ timeout: 15_000 })
  await record(page, 'alerts-sms')

  await page.goto(`${runtime.url}/#/case/new/index?kind=NOT_MINE&appId=wechat`, { waitUntil: 'load' })
  await expect(page.locator('#kind-wechat-NOT_MINE')).toHaveAttribute('aria-checked', 'true', { timeout: 15_000 })
  // 微信 is the last app of the list: show its row, chosen, with its kind
  await page.locator('#app-wechat').scrollIntoViewIfNeeded()
  await record(page, 'alerts-case')
})
