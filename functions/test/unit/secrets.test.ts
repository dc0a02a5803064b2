// Secrets: re-read by age at the moment they are used, rotation picked up by a warm function, and
// no public development secrets on Lambda.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildRuntime } from '../../src/adapters/runtime'
import { cachedSecrets, DEV_SECRETS, loadSecrets, masterKeysOf, type Secrets } from '../../src/adapters/secrets'
import { catalogue } from '../../src/catalogue/index'
import { askEnterprises } from '../../src/domain/fan-out'
import { readBody } from '../../src/local/http-bridge'
import { MockEnterprises } from '../../src/mock-enterprises/service'

const OLD: Secrets = { pepper: 'pepper-0123456789abcdef', enterpriseKey: 'enterprise-key-before-rotation' }
const NEW: Secrets = { pepper: OLD.pepper, enterpriseKey: 'enterprise-key-after-rotation' }
const MINUTE = 60_000

class Clock { t = Date.parse('2027-07-21T02:00:00Z'); now () { return this.t } }

/** SSM as the function sees it: whatever the operator last wrote, counted per read */
function parameter (initial: Secrets) {
  const p = { value: initial, reads: 0, fail: false, load: async () => { p.reads++; if (p.fail) throw new Error('SSM unreachable'); return p.value } }
  return p
}

describe('cachedSecrets', () => {
  test('read once, then again only when the copy is 5 minutes old at the moment of use', async () => {
    const clock = new Clock()
    const ssm = parameter(OLD)
    const secrets = cachedSecrets(ssm.load, clock)
    expect(await secrets.get()).toEqual(OLD)
    ssm.value = NEW
    clock.t += 5 * MINUTE - 1
    expect(await secrets.get()).toEqual(OLD)
    expect(ssm.reads).toBe(1)
    clock.t += 1
    expect(await secrets.get()).toEqual(NEW)
    expect(ssm.reads).toBe(2)
  })

  test('concurrent askers share one read', async () => {
    const ssm = parameter(OLD)
    const secrets = cachedSecrets(ssm.load, new Clock())
    await Promise.all(Array.from({ length: 20 }, () => secrets.get()))
    expect(ssm.reads).toBe(1)
  })

  test('a failed re-read serves the copy in hand and tries again at the next use', async () => {
    const clock = new Clock()
    const ssm = parameter(OLD)
    const secrets = cachedSecrets(ssm.load, clock)
    await secrets.get()
    clock.t += 6 * MINUTE
    ssm.fail = true
    expect(await secrets.get()).toEqual(OLD)
    ssm.fail = false
    ssm.value = NEW
    expect(await secrets.get()).toEqual(NEW)
  })

  test('a first read that fails is an error, not a fall-back', async () => {
    const ssm = parameter(OLD)
    ssm.fail = true
    await expect(cachedSecrets(ssm.load, new Clock()).get()).rejects.toThrow('SSM unreachable')
  })
})

test('the previous key of a rotation is kept with its end', () => {
  expect(masterKeysOf({ ...NEW, previousEnterpriseKey: { key: OLD.enterpriseKey, acceptUntil: '2027-07-22T02:00:00Z' } })).toEqual({
    current: NEW.enterpriseKey, previous: { key: OLD.enterpriseKey, acceptUntil: Date.parse('2027-07-22T02:00:00Z') }
  })
})

describe('on Lambda', () => {
  const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'yzt-prod-processQuery' }

  test('without SECRETS_PARAMETER the secrets are refused, never the public development ones', async () => {
    await expect(loadSecrets(LAMBDA)).rejects.toThrow(/SECRETS_PARAMETER is not set/)
    await expect(buildRuntime({ env: LAMBDA })).rejects.toThrow(/SECRETS_PARAMETER is not set/)
    // locally the development values are fine
    await expect(loadSecrets({})).resolves.toEqual(DEV_SECRETS)
  })

  test('without SECRETS_PARAMETER the runtime build refuses first thing; importing the runtime module does nothing', async () => {
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME
    process.env.AWS_LAMBDA_FUNCTION_NAME = LAMBDA.AWS_LAMBDA_FUNCTION_NAME
    try {
      await jest.isolateModulesAsync(async () => {
        // no side effect at import: the functions that never read secrets import it too (storeRuntime)
        const { runtime } = await import('../../src/adapters/runtime')
        await expect(runtime()).rejects.toThrow(/SECRETS_PARAMETER is not set/)
        // the mocked enterprise's handler module still refuses at its init
        await expect(import('../../src/handlers/mock-enterprise')).rejects.toThrow(/SECRETS_PARAMETER is not set/)
      })
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved
    }
  })

  test('an http enterprise endpoint is refused when the enterprise configuration is loaded', async () => {
    const ssm = parameter(OLD)
    const rt = await buildRuntime({
      env: { ...LAMBDA, SECRETS_PARAMETER: '/yzt/test/secrets', ENTERPRISE_ENDPOINT_TEMPLATE: 'http://partner.example/{id}' },
      secrets: cachedSecrets(ssm.load, new Clock())
    })
    await expect(rt.enterprises()).rejects.toThrow('enterprise endpoint must be https')
  })
})

test('a warm function picks up a rotated enterprise key within 5 minutes, without a restart', async () => {
  const clock = new Clock()
  const ssm = parameter(OLD)
  // the enterprise side: switched to the new key at once, no overlap
  let enterpriseSide = OLD
  const mock = new MockEnterprises({ catalogue, masterKeys: () => masterKeysOf(enterpriseSide), clock, bindings: {} })
  const server = http.createServer(async (req, res) => {
    const answer = await mock.answer(req.url!.split('/')[2]!, req.headers, (await readBody(req)).toString('utf8'))
    res.writeHead(answer.status, answer.headers).end(answer.body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  try {
    const rt = await buildRuntime({
      env: { ENTERPRISE_ENDPOINT_TEMPLATE: `http://127.0.0.1:${(server.address() as AddressInfo).port}/e/{id}` },
      clock,
      secrets: cachedSecrets(ssm.load, clock)
    })
    const unavailable = async () => Object.values((await askEnterprises(rt.gateway, catalogue, '13800005551')).results).filter(r => r === 'unavailable').length
    expect(await unavailable()).toBe(0)

    ssm.value = NEW
    enterpriseSide = NEW
    clock.t += MINUTE
    expect(await unavailable()).toBe(catalogue.apps.length) // still signing with the cached old key
    clock.t += 4 * MINUTE
    expect(await unavailable()).toBe(0)
    rt.doc.destroy()
  } finally {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
})
