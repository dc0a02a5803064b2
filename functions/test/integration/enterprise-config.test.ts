// Enterprises are configuration read at run time: a ninth enterprise at its own host answers in a
// query after a change of the configuration document only — same process, same code, no rebuild.
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
// a ninth enterprise, shared with infra/test/enterprises.test.ts
import PDD from '../../fixtures/ninth-enterprise.json'
import { parseEnterpriseConfig } from '../../src/adapters/enterprise-config'
import { masterKeysOf } from '../../src/adapters/secrets'
import { parseCatalogue } from '../../src/catalogue/index'
import data from '../../src/catalogue/enterprises.json'
import { ageCached } from '../../src/lib/age-cache'
import { MockEnterprises } from '../../src/mock-enterprises/service'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }

describe('the configuration document', () => {
  test('resolves an endpoint for every enterprise: its own one, else the template', () => {
    const config = parseEnterpriseConfig({
      enterprises: [...data.enterprises, PDD],
      endpoints: { pdd: 'https://connector.pdd.example/yzt/account-counts' },
      endpointTemplate: 'https://partner.example/enterprises/{id}/account-counts'
    })
    expect(config.catalogue.apps.at(-1)).toEqual({ id: 'pdd', label: '拼多多账号', enterpriseId: 'pdd' })
    expect(config.endpoints.pdd).toBe('https://connector.pdd.example/yzt/account-counts')
    expect(config.endpoints.baidu).toBe('https://partner.example/enterprises/baidu/account-counts')
  })

  test('is checked by the contract schema and for endpoints that match the catalogue', () => {
    const template = 'https://partner.example/{id}'
    expect(() => parseEnterpriseConfig({ enterprises: [{ ...PDD, accountMode: 'shared?' }] }, template)).toThrow()
    expect(() => parseEnterpriseConfig({ enterprises: [PDD, PDD] }, template)).toThrow(/duplicate enterprise:pdd/)
    expect(() => parseEnterpriseConfig({ enterprises: [PDD], endpoints: { pdd: 'not a url' } }, template)).toThrow()
    expect(() => parseEnterpriseConfig({ enterprises: [PDD], endpoints: { pddd: 'https://x.example' } }, template)).toThrow(/pddd, which is not in the catalogue/)
    expect(() => parseEnterpriseConfig({ enterprises: [PDD] })).toThrow(/no endpoint for pdd/)
    expect(() => parseEnterpriseConfig({ enterprises: [PDD], endpointTemplate: 'https://no-placeholder.example' })).toThrow()
    expect(() => parseEnterpriseConfig({ enterprises: [PDD], extra: 1 }, template)).toThrow()
    expect(parseCatalogue(data).enterprises).toHaveLength(8)
  })
})

describe('the age cache', () => {
  test('loads once, reloads when older than its age, and keeps the last good value when a reload fails', async () => {
    let t = 0
    let version = 0
    let failing = false
    const stale: unknown[] = []
    const get = ageCached(async () => {
      if (failing) throw new Error('store down')
      return ++version
    }, { maxAgeMs: 1000, now: () => t, onStaleError: err => stale.push(err) })
    await expect(Promise.all([get(), get()])).resolves.toEqual([1, 1])
    t = 999
    expect(await get()).toBe(1)
    t = 1000
    expect(await get()).toBe(2)
    failing = true
    t = 2500
    expect(await get()).toBe(2)
    expect(stale).toHaveLength(1)
    failing = false
    t = 3000
    expect(await get()).toBe(2) // the failed reload counted as fresh: the store is not hammered
    t = 3500
    expect(await get()).toBe(3)
  })

  test('with no good value yet, a failure is the caller’s', async () => {
    const get = ageCached(async () => { throw new Error('store down') }, { maxAgeMs: 1000 })
    await expect(get()).rejects.toThrow('store down')
  })
})

describe('a ninth enterprise at its own host, on the running local system', () => {
  let sys: TestSystem | undefined
  let pddServer: http.Server | undefined
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-enterprises-'))
  const file = path.join(dir, 'enterprises.json')
  afterAll(async () => {
    await sys?.stop()
    await new Promise(resolve => pddServer ? pddServer.close(resolve) : resolve(undefined))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const resultSms = () => sys!.sms.all().filter(m => m.to === ALICE.phone && m.text.includes('截至')).map(m => m.text)
  async function query (): Promise<string> {
    const before = resultSms().length
    const code = await requestCodeAndRead(sys!, ALICE.phone)
    expect((await call(sys!.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })).status).toBe(202)
    await waitFor(() => resultSms().length > before, 'result SMS')
    return resultSms().at(-1)!
  }

  test('answers in the next query after the document changes, with nothing restarted', async () => {
    fs.writeFileSync(file, JSON.stringify({ enterprises: data.enterprises }))
    sys = await startTestSystem({ env: { ...process.env, ENTERPRISES_FILE: file, ENTERPRISES_MAX_AGE_SECONDS: '0.2' } })
    const before = await call(sys.url, 'GET', '/v1/enterprises')
    expect(before.body.enterprises.map((e: { id: string }) => e.id)).not.toContain('pdd')
    expect(await query()).not.toContain('拼多多')

    // the ninth enterprise's own connector, on another loopback address, signing with the deployment's key
    const pdd = new MockEnterprises({
      catalogue: parseCatalogue({ enterprises: [PDD] }),
      masterKeys: async () => masterKeysOf(await sys!.runtime.secrets.get()),
      clock: sys.clock,
      bindings: { [ALICE.phone]: { pdd: 4 } }
    })
    pddServer = http.createServer((req, res) => {
      let body = ''
      req.on('data', d => { body += d })
      req.on('end', async () => {
        const answer = await pdd.answer('pdd', req.headers as Record<string, string>, body)
        res.writeHead(answer.status, answer.headers).end(answer.body)
      })
    })
    await new Promise<void>(resolve => pddServer!.listen(0, '127.0.0.2', resolve))
    const pddUrl = `http://127.0.0.2:${(pddServer.address() as AddressInfo).port}/yzt/account-counts`

    fs.writeFileSync(file, JSON.stringify({ enterprises: [...data.enterprises, PDD], endpoints: { pdd: pddUrl } }))
    const after = await waitFor(async () => {
      const res = await call(sys!.url, 'GET', '/v1/enterprises')
      return res.body.enterprises.length === 9 ? res.body.enterprises : undefined
    }, 'the ninth enterprise listed')
    expect(after.at(-1)).toEqual(PDD)

    sys.clock.advance(61_000) // past the resend cooldown
    const text = await query()
    expect(text).toMatch(/微信账号\d个、拼多多账号4个。$/)
    expect(pdd.served).toEqual({ pdd: 1 })
  })
})
