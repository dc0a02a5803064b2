import { catalogue } from '../../src/catalogue/index'
import { askEnterprises, PAUSED } from '../../src/domain/fan-out'
import type { EnterpriseBreakers } from '../../src/domain/breaker'
import type { EnterpriseGateway } from '#ports'

const countsFor = (enterpriseId: string) =>
  Object.fromEntries(catalogue.enterprises.find(e => e.id === enterpriseId)!.apps.map(a => [a.id, 1]))

function gateway (behaviour: (id: string, attempt: number, signal: AbortSignal) => Promise<Record<string, number>>) {
  const attempts: Record<string, number> = {}
  let inFlight = 0
  let maxInFlight = 0
  const gw: EnterpriseGateway = {
    async countAccounts (id, _phone, signal) {
      attempts[id] = (attempts[id] ?? 0) + 1
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try { return await behaviour(id, attempts[id]!, signal) } finally { inFlight--}
    }
  }
  return { gw, attempts, maxInFlight: () => maxInFlight }
}

const tick = () => new Promise(resolve => setTimeout(resolve, 5))

test('all eight enterprises are asked at once', async () => {
  const { gw, maxInFlight } = gateway(async id => { await tick(); return countsFor(id) })
  const { results, failures } = await askEnterprises(gw, catalogue, '13800005551')
  expect(maxInFlight()).toBe(8)
  expect(failures).toEqual([])
  expect(Object.values(results)).toEqual(Array(11).fill(1))
})

test('one retry rescues a transient failure', async () => {
  const { gw, attempts } = gateway(async (id, attempt) => {
    if (id === 'jd' && attempt === 1) throw new Error('HTTP 500')
    return countsFor(id)
  })
  const { results, failures } = await askEnterprises(gw, catalogue, '13800005551')
  expect(attempts.jd).toBe(2)
  expect(results.jd).toBe(1)
  expect(failures).toEqual([])
})

test('an enterprise failing twice makes exactly its apps unavailable', async () => {
  const { gw, attempts } = gateway(async id => {
    if (id === 'tencent') throw new Error('HTTP 500')
    return countsFor(id)
  })
  const { results, failures } = await askEnterprises(gw, catalogue, '13800005551')
  expect(attempts.tencent).toBe(2)
  expect(results.qq).toBe('unavailable')
  expect(results.wechat).toBe('unavailable')
  expect(Object.entries(results).filter(([, v]) => v === 'unavailable').map(([k]) => k)).toEqual(['qq', 'wechat'])
  expect(failures).toEqual([{ enterpriseId: 'tencent', reason: 'HTTP 500' }])
})

test('a slow enterprise is cut off at the deadline, twice, and reported as a timeout', async () => {
  const { gw, attempts } = gateway((id, _attempt, signal) => id === 'baidu'
    ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    : Promise.resolve(countsFor(id)))
  const { results, failures } = await askEnterprises(gw, catalogue, '13800005551', { deadlineMs: 30 })
  expect(attempts.baidu).toBe(2)
  expect(results.baidu).toBe('unavailable')
  expect(failures).toEqual([{ enterpriseId: 'baidu', reason: 'timeout' }])
})

test.each([
  ['a missing app', { xianyu: 1, taobao: 1 }],
  ['a negative count', { xianyu: -1, taobao: 1, dingtalk: 0 }],
  ['a fraction', { xianyu: 1.5, taobao: 1, dingtalk: 0 }],
  ['a string', { xianyu: '1', taobao: 1, dingtalk: 0 }]
])('an answer with %s is not a count', async (_what, answer) => {
  const { gw } = gateway(async id => id === 'alibaba' ? answer as Record<string, number> : countsFor(id))
  const { results } = await askEnterprises(gw, catalogue, '13800005551')
  expect([results.xianyu, results.taobao, results.dingtalk]).toEqual(['unavailable', 'unavailable', 'unavailable'])
  expect(results.alipay).toBe(1)
})

test('a paused enterprise is not asked, its breaker untouched, its apps unavailable; the others as usual', async () => {
  const { gw, attempts } = gateway(async id => countsFor(id))
  const paused = { ...catalogue, paused: new Set(['baidu']) }
  const admitted: string[] = []
  const breakers = { admit: (id: string) => { admitted.push(id); return 'call' as const }, record: async () => {} } as unknown as EnterpriseBreakers
  const { results, failures } = await askEnterprises(gw, paused, '13800005551', { breakers })
  expect(attempts.baidu).toBeUndefined()
  expect(admitted).not.toContain('baidu')
  expect(results.baidu).toBe('unavailable')
  expect(failures).toEqual([{ enterpriseId: 'baidu', reason: PAUSED }])
  expect(Object.values(results).filter(n => n === 1)).toHaveLength(10)
})
