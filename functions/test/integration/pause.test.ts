// An enterprise switched off and on by configuration alone: paused, its apps answer 暂无法查询, it gets
// no request and no release notice (the notice waits PENDING, not lost); resumed, it is asked again and
// the waiting notice reaches it on the next sweep — the same process throughout, nothing redeployed.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import data from '../../src/catalogue/enterprises.json'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { DEFAULT_MAX_AGE_SECONDS, enterpriseConfigSource } from '../../src/adapters/enterprise-config'
import { carrierKey, signedRequestHeaders } from '../../src/lib/signing'
import { call, requestCodeAndRead, startTestSystem, waitFor, type TestSystem } from '../support/harness'

const ALICE = { phone: '13800005551', idSuffix: '12345X' }
const SEED_RELEASE = Date.parse('2026-05-01T00:00:00+08:00')

describe('pause and resume by configuration', () => {
  let sys: TestSystem | undefined
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-pause-'))
  const file = path.join(dir, 'enterprises.json')
  afterAll(async () => {
    await sys?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const write = (paused: string[]) => fs.writeFileSync(file, JSON.stringify({
    enterprises: data.enterprises.map(e => paused.includes(e.id) ? { ...e, paused: true } : e)
  }))
  const resultSms = () => sys!.sms.all().filter(m => m.to === ALICE.phone && m.text.includes('截至')).map(m => m.text)
  async function query (): Promise<string> {
    const before = resultSms().length
    sys!.clock.advance(61_000) // past the resend cooldown
    const code = await requestCodeAndRead(sys!, ALICE.phone)
    expect((await call(sys!.url, 'POST', '/v1/queries', { ...ALICE, code, consent: true })).status).toBe(202)
    await waitFor(() => resultSms().length > before, 'result SMS')
    return resultSms().at(-1)!
  }
  const notices = async () => (await sys!.dump()).NumberNotices!.filter(n => n.effectiveAt !== SEED_RELEASE)
  const cancel = (phone: string) => {
    const text = JSON.stringify({ events: [{ eventId: 'pause-1', phone, type: 'CANCELLED', effectiveAt: new Date(sys!.clock.now()).toISOString() }] })
    sys!.clock.advance(1)
    return call(sys!.url, 'POST', LIFECYCLE_PATHS.numberEvents, text,
      signedRequestHeaders('cmcc', carrierKey(DEV_SECRETS.enterpriseKey, 'cmcc'), 'POST', LIFECYCLE_PATHS.numberEvents, text, sys!.clock.now()))
  }

  test('paused: 暂无法查询, no call, notices wait; resumed: asked again and the notice delivered', async () => {
    write(['baidu'])
    sys = await startTestSystem({ env: { ...process.env, ENTERPRISES_FILE: file, ENTERPRISES_MAX_AGE_SECONDS: '0.2' } })

    expect(await query()).toContain('百度平台账号暂无法查询')
    expect(sys.mock.served.baidu ?? 0).toBe(0)
    expect(sys.mock.served.tencent).toBe(1)
    // the served list is the catalogue: a paused enterprise's guide stays (the person can still unbind by hand)
    expect((await call(sys.url, 'GET', '/v1/enterprises')).body.enterprises).toHaveLength(8)

    expect((await cancel('13900006662')).body.results[0].outcome).toBe('APPLIED')
    await waitFor(async () => (await notices()).filter(n => n.status !== 'PENDING').length === 7 || undefined, '7 delivered')
    await sys.scheduled.lifecycleSweep!()
    const baidu = async () => (await notices()).find(n => n.enterpriseId === 'baidu')!
    expect(await baidu()).toMatchObject({ status: 'PENDING' })
    expect(sys.mock.notices.baidu).toBeUndefined()

    write([])
    await new Promise(resolve => setTimeout(resolve, 300)) // older than the cache's age (0.2 s here, 60 s by default)
    await sys.scheduled.lifecycleSweep!()
    expect((await baidu()).status).not.toBe('PENDING')
    expect(Object.values(sys.mock.notices.baidu!)).toEqual([1])

    expect(await query()).toMatch(/百度平台账号\d+个/)
    expect(sys.mock.served.baidu).toBe(1)
  })
})

describe('the configuration cache', () => {
  test('a change reaches a warm function within a minute: the age is 60 s by default and cannot be set longer', () => {
    expect(DEFAULT_MAX_AGE_SECONDS).toBeLessThanOrEqual(60)
    expect(() => enterpriseConfigSource({ ENTERPRISES_MAX_AGE_SECONDS: '61' })).toThrow(/0…60 seconds/)
    expect(() => enterpriseConfigSource({ ENTERPRISES_MAX_AGE_SECONDS: 'soon' })).toThrow(/0…60 seconds/)
  })

  test('a document that fails validation never replaces the last good one', async () => {
    let t = 0
    let doc: unknown = { enterprises: data.enterprises }
    const get = enterpriseConfigSource({}, { read: async () => doc, now: () => t })
    expect((await get()).catalogue.enterprises).toHaveLength(8)
    doc = { enterprises: [{ ...data.enterprises[0], paused: 'yes' }] }
    t = 61_000
    expect((await get()).catalogue.enterprises).toHaveLength(8)
    doc = { enterprises: [data.enterprises[0], data.enterprises[0]] } // zod's own rule: unique ids
    t = 122_000
    expect((await get()).catalogue.enterprises).toHaveLength(8)
    doc = { enterprises: [{ ...data.enterprises[0], paused: true }] }
    t = 183_000
    const good = await get()
    expect(good.catalogue.enterprises).toHaveLength(1)
    expect([...good.catalogue.paused!]).toEqual(['alibaba'])
  })
})
