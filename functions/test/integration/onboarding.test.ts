// Onboarding an enterprise (npm run enterprise): the entry is written paused, the enterprise gets a key
// of its own, and the conformance kit against its real HTTP endpoint is the gate that switches it on.
// A rotation changes that enterprise's key alone; an enterprise without a key of its own keeps the
// key derived from the master key, so existing configurations and the local mocks work unchanged.
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import PDD from '../../fixtures/ninth-enterprise.json'
import data from '../../src/catalogue/enterprises.json'
import { DEV_SECRETS, masterKeysOf, Secrets } from '../../src/adapters/secrets'
import { parseCatalogue } from '../../src/catalogue/index'
import { MOCK_ENTERPRISE_ROUTE } from '../../src/infra-shared/routes'
import { mockEnterprisesListener } from '../../src/local/mock-server'
import { MockEnterprises } from '../../src/mock-enterprises/service'
import { callerKeys, enterpriseKey, enterpriseKeys } from '../../src/lib/signing'
import { addEnterprise, checkEnterprise, fileSecrets, readDocument, rotateKey } from '../../scripts/enterprise'
import { httpEnterpriseGateway } from '../../src/adapters/enterprise-http'
import { httpNoticeGateway } from '../../src/adapters/enterprise-messages'

const QUIET = () => {}
const PDD2 = { ...PDD, id: 'pdd2', name: '拼多多二', apps: [{ id: 'pdd2', label: '拼多多二账号' }] }
const realClock = { now: () => Date.now() }

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-onboarding-'))
const config = path.join(dir, 'enterprises.json')
const secretsFile = path.join(dir, 'secrets.json')
const secrets = fileSecrets(secretsFile)
const readSecrets = () => Secrets.parse(JSON.parse(fs.readFileSync(secretsFile, 'utf8')))

/** an enterprise's connector on its own loopback port: the mocked enterprise service, keys as it knows them */
async function connector (keys: () => ReturnType<typeof masterKeysOf>): Promise<{ url: (id: string) => string, close: () => Promise<void> }> {
  const mock = new MockEnterprises({ catalogue: parseCatalogue({ enterprises: [PDD, PDD2] }), masterKeys: keys, clock: realClock, bindings: {} })
  const server = http.createServer(mockEnterprisesListener(mock, QUIET))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: id => base + MOCK_ENTERPRISE_ROUTE.path.replace('{enterpriseId}', id),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

let good: Awaited<ReturnType<typeof connector>>
let stale: Awaited<ReturnType<typeof connector>>
beforeAll(async () => {
  fs.writeFileSync(config, JSON.stringify({ enterprises: data.enterprises }))
  fs.writeFileSync(secretsFile, JSON.stringify(DEV_SECRETS))
  // one installs the key it is handed (it reads the secrets we write), the other never does
  good = await connector(() => masterKeysOf(readSecrets()))
  stale = await connector(() => masterKeysOf(DEV_SECRETS))
})
afterAll(async () => {
  await good?.close()
  await stale?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('add: an enterprise that passes the kit is switched on with a key of its own, handed over once', async () => {
  const lines: string[] = []
  const added = await addEnterprise({ config, secrets, entry: PDD, endpoint: good.url('pdd'), print: l => lines.push(l) })
  expect(added.passed).toBe(true)
  expect(added.results.filter(r => !r.ok)).toEqual([])
  const doc = readDocument(config)
  expect(doc.enterprises.at(-1)).toEqual(PDD) // no `paused`: switched on
  expect(doc.endpoints).toEqual({ pdd: good.url('pdd') })
  const own = readSecrets().enterpriseKeys!.pdd!
  expect(own.key).toMatch(/^[0-9a-f]{64}$/)
  expect(own.key).toBe(added.key)
  expect(own.key).not.toBe(enterpriseKey(DEV_SECRETS.enterpriseKey, 'pdd'))
  expect(lines.join('\n')).toContain(own.key)
  expect(lines.join('\n')).toMatch(/PASSED: all \d+ checks/)
  await expect(addEnterprise({ config, secrets, entry: PDD, endpoint: good.url('pdd'), print: QUIET })).rejects.toThrow(/already configured/)
}, 60_000)

test('add: an enterprise that fails the kit stays paused, and is switched on by check once it passes', async () => {
  const added = await addEnterprise({ config, secrets, entry: PDD2, endpoint: stale.url('pdd2'), print: QUIET })
  expect(added.passed).toBe(false)
  expect(added.results.some(r => !r.ok && /answers a signed request with 200/.test(r.name))).toBe(true)
  expect(readDocument(config).enterprises.find(e => e.id === 'pdd2')).toMatchObject({ paused: true })

  // its connector moves to one that installed the key: the document's endpoint, then check
  const doc = readDocument(config)
  fs.writeFileSync(config, JSON.stringify({ ...doc, endpoints: { ...doc.endpoints, pdd2: good.url('pdd2') } }))
  expect((await checkEnterprise({ config, secrets, id: 'pdd2', print: QUIET })).passed).toBe(true)
  expect(readDocument(config).enterprises.find(e => e.id === 'pdd2')!.paused).toBeUndefined()
}, 60_000)

test('an invalid entry is refused and nothing is written', async () => {
  const before = fs.readFileSync(config, 'utf8')
  const secretsBefore = fs.readFileSync(secretsFile, 'utf8')
  await expect(addEnterprise({ config, secrets, entry: { ...PDD, id: 'pdd3', accountMode: 'shared?' }, endpoint: good.url('pdd3'), print: QUIET })).rejects.toThrow()
  await expect(addEnterprise({ config, secrets, entry: { ...PDD, id: 'pdd3' }, endpoint: good.url('pdd3'), print: QUIET })).rejects.toThrow(/duplicate app:pdd/)
  expect(fs.readFileSync(config, 'utf8')).toBe(before)
  expect(fs.readFileSync(secretsFile, 'utf8')).toBe(secretsBefore)
})

test('rotate: that enterprise alone gets a new key; its old one is accepted for the overlap; the kit passes with the new one', async () => {
  const before = readSecrets()
  const now = Date.now()
  const key = await rotateKey({ id: 'pdd', config, secrets, now, print: QUIET })
  const after = readSecrets()
  expect(after.enterpriseKeys!.pdd!.key).toBe(key)
  expect(key).not.toBe(before.enterpriseKeys!.pdd!.key)
  expect(after.enterpriseKeys!.pdd!.previous!.key).toBe(before.enterpriseKeys!.pdd!.key)
  expect(Date.parse(after.enterpriseKeys!.pdd!.previous!.acceptUntil)).toBe(now + 24 * 3600_000)
  // nothing else moved: the other enterprise's own key, the master key, every derived key
  expect(after.enterpriseKeys!.pdd2).toEqual(before.enterpriseKeys!.pdd2)
  expect({ ...after, enterpriseKeys: undefined }).toEqual({ ...before, enterpriseKeys: undefined })
  const keys = masterKeysOf(after)
  expect(enterpriseKeys(keys, 'pdd', now)).toEqual({ signing: key, accepted: [key, before.enterpriseKeys!.pdd!.key] })
  expect(enterpriseKeys(keys, 'pdd', now + 25 * 3600_000).accepted).toEqual([key])
  expect(enterpriseKeys(keys, 'alibaba', now)).toEqual(enterpriseKeys(masterKeysOf(DEV_SECRETS), 'alibaba', now))
  // callbacks from the enterprise are checked against the same keys we sign with
  expect(callerKeys(keys, 'enterprise', 'pdd', now)).toEqual([key, before.enterpriseKeys!.pdd!.key])
  expect(callerKeys(keys, 'enterprise', 'alibaba', now)).toEqual([enterpriseKey(DEV_SECRETS.enterpriseKey, 'alibaba')])
  expect((await checkEnterprise({ config, secrets, id: 'pdd', print: QUIET })).passed).toBe(true)

  // an enterprise that had only the derived key keeps accepting it through its first rotation
  const first = await rotateKey({ id: 'alibaba', config, secrets, now, print: QUIET })
  expect(enterpriseKeys(masterKeysOf(readSecrets()), 'alibaba', now).accepted).toEqual([first, enterpriseKey(DEV_SECRETS.enterpriseKey, 'alibaba')])
}, 60_000)

test('our request signer uses the enterprise\'s own key: with it the connector answers, with the derived key it refuses', async () => {
  const gatewayWith = (secrets: Secrets) => httpEnterpriseGateway({ endpoint: async () => good.url('pdd'), masterKeys: async () => masterKeysOf(secrets), clock: realClock, deployed: false })
  const counts = await gatewayWith(readSecrets()).countAccounts('pdd', '13800005551', AbortSignal.timeout(5000))
  expect(Object.keys(counts)).toEqual(['pdd'])
  await expect(gatewayWith(DEV_SECRETS).countAccounts('pdd', '13800005551', AbortSignal.timeout(5000))).rejects.toThrow(/HTTP 401/)
  const notices = httpNoticeGateway({ endpoint: async () => good.url('pdd').replace(/account-counts$/, 'number-events'), masterKeys: async () => masterKeysOf(readSecrets()), clock: realClock, deployed: false })
  await expect(notices.sendNotice('pdd', { eventId: 'own-key-1', phone: '13800005551', event: 'RELEASED', effectiveAt: new Date().toISOString() }, AbortSignal.timeout(5000))).resolves.toMatchObject({ reference: expect.any(String) })
})
