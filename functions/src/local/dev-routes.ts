// The local-only extras: `GET /dev/sms?phone=…` (what the simulated carrier delivered to one number)
// and `POST /dev/faults` (the mocked enterprises' fault knobs). They show live codes, so they answer
// only requests addressed to a loopback host (a page on another origin cannot reach them through
// DNS rebinding), carry no CORS headers (no other origin may read them), and take JSON only (a
// cross-origin form or `text/plain` POST cannot set `application/json` without a preflight).
import type { IncomingMessage } from 'node:http'
import { DEV_SMS_PATH, type DevSmsResponse, PHONE_PATTERN, normalisePhone } from '#contract/index'
import { AppError } from '#domain/errors'
import { errorResult, json, type HttpResult } from '#lib/http'
import type { LocalSmsProvider } from '#adapters/sms-local'
import type { MockEnterprises } from '#mock-enterprises/service'
import { Faults } from '#mock-enterprises/service'
import { readBody } from './http-bridge'

export const DEV_FAULTS_PATH = '/dev/faults'
/** the runtime's clock (YZT_NOW moves it): `npm run carrier` signs with it, or every call is 401 */
export const DEV_CLOCK_PATH = '/dev/clock'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** the Host header names a loopback address (any port) */
export function isLoopbackHost (host: string | undefined): boolean {
  if (!host) return false
  const name = host.toLowerCase().replace(/:\d+$/, '')
  return LOOPBACK_HOSTS.has(name) || /^127(\.\d{1,3}){3}$/.test(name)
}

export interface DevRoutes {
  sms: LocalSmsProvider
  mock: MockEnterprises
  enterpriseIds: readonly string[]
  now: () => number
}

/** The answer for a `/dev/…` request, or undefined when the path is not a dev route. */
export async function devRoute (req: IncomingMessage, url: URL, dev: DevRoutes): Promise<HttpResult | undefined> {
  const method = req.method ?? 'GET'
  const known = url.pathname === DEV_SMS_PATH || url.pathname === DEV_FAULTS_PATH || url.pathname === DEV_CLOCK_PATH
  if (!known) return undefined
  // a page that rebinds its own name to 127.0.0.1 still sends its own name as Host
  if (!isLoopbackHost(req.headers.host)) return errorResult(new AppError('NOT_FOUND', { message: '接口不存在' }))

  if (url.pathname === DEV_SMS_PATH && method === 'GET') {
    const phone = normalisePhone(url.searchParams.get('phone') ?? '')
    if (!PHONE_PATTERN.test(phone)) throw new AppError('INVALID_INPUT', { fields: { phone: '请输入正确的11位手机号码' } })
    const body: DevSmsResponse = { messages: dev.sms.messagesFor(phone) }
    return json(200, body)
  }
  if (url.pathname === DEV_CLOCK_PATH && method === 'GET') return json(200, { now: new Date(dev.now()).toISOString() })
  if (url.pathname === DEV_FAULTS_PATH && method === 'POST') {
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) throw new AppError('UNSUPPORTED_MEDIA_TYPE')
    let faults: unknown
    try {
      faults = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'))
    } catch (err) {
      if (err instanceof SyntaxError) throw new AppError('INVALID_INPUT', { fields: { body: '请求内容不是有效的 JSON' } })
      throw err
    }
    if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) {
      throw new AppError('INVALID_INPUT', { fields: { body: '请求内容应为 JSON 对象' } })
    }
    // validate everything before changing anything; keys are enterprise ids, never `__proto__` & co
    const fields: Record<string, string> = Object.create(null)
    const parsed: [string, Faults][] = []
    for (const [id, f] of Object.entries(faults)) {
      const ok = dev.enterpriseIds.includes(id) ? Faults.safeParse(f) : undefined
      if (ok?.success) parsed.push([id, ok.data])
      else fields[id.slice(0, 64)] = ok ? '故障参数无效' : '未知的企业'
    }
    if (Object.keys(fields).length) throw new AppError('INVALID_INPUT', { fields })
    for (const [id, f] of parsed) dev.mock.setFaults(id, f)
    return json(200, { ok: true })
  }
  return errorResult(new AppError('NOT_FOUND', { message: '接口不存在' }))
}
