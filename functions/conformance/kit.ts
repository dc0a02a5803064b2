// The conformance kit: checks one enterprise's connector against the enterprise connector API
// (docs/openapi/enterprise.json), all three endpoints of it: account counts, release notices
// (number-events) and disputes. Each endpoint refuses unsigned, stale, future, wrong-key and
// tampered requests, and answers a signed one in shape, signed for that message (its request id,
// eventId or itemId), and the same again for the same id. For disputes, the kit also listens for the
// enterprise's callback: ACKNOWLEDGED first, for that item, signed with the enterprise's own key.
// Every check runs; the report lists each with what was seen.
import { randomUUID } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import { catalogue } from '../src/catalogue/index'
import { CASE_PATHS } from '../src/contract/cases'
import { DisputeAccepted, DisputeCallback, type DisputeCallbackResponse, type DisputeRequest } from '../src/contract/disputes'
import { AccountCountAnswer, MAX_ANSWER_BYTES, MAX_ANSWER_HEADER_BYTES, type AccountCountRequest } from '../src/contract/enterprise'
import { maskPhone } from '../src/contract/index'
import { NumberNoticeAnswer, type NumberNotice } from '../src/contract/lifecycle'
import { POLICY } from '../src/domain/policy'
import { bindingHmac } from '../src/domain/alerts'
import { CALLER_HEADER, MAX_SKEW_MS, requestPayload, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAnswer, verifyRequest } from '../src/lib/signing'

/** the connector's endpoints, named as the last segment of their paths */
export const ENDPOINTS = ['account-counts', 'number-events', 'disputes'] as const
export type EndpointName = (typeof ENDPOINTS)[number]

export const DEFAULT_PHONE = '13800005551'
export const DEFAULT_CALLBACK_WAIT_MS = 5000

export interface ConformanceOptions {
  /** the enterprise's account-counts endpoint, in full */
  url: string
  /** its release-notice endpoint; default: the account-counts URL ending in number-events instead (as the runtime derives it) */
  noticesUrl?: string
  /** its dispute desk; default: the account-counts URL ending in disputes instead */
  disputesUrl?: string
  /** which endpoints to check (default: all three) */
  endpoints?: readonly EndpointName[]
  enterpriseId: string
  /** the enterprise's own key (hex), as we hand it to the enterprise */
  key: string
  /** the number every message is about: a test number the enterprise agreed to */
  phone?: string
  deadlineMs?: number
  /** the app of this enterprise the test dispute is about; default: the first one its account-count answer lists */
  appId?: string
  /** false: no callback check (the disputes still name a callback URL, one that goes nowhere) */
  callback?: boolean
  /**
   * the base URL at which the enterprise reaches the kit's callback listener (the dispute's callbackUrl
   * is this + /v1/enterprise-callbacks/disputes/{itemId}); default: a loopback listener when the
   * dispute desk is on loopback, else the callback check is skipped
   */
  callbackBase?: string
  /** the port the listener takes; default: callbackBase's port, or any free one on loopback */
  callbackPort?: number
  /** how long to wait for the acknowledgement */
  callbackWaitMs?: number
  /**
   * binding alerts: the HMAC the enterprise's own code computed for `phone` (hex), checked against the
   * protocol's (HMAC-SHA256(key, "binding-subscription\0" + number)); absent: not checked
   */
  subscriptionHmac?: string
}

export interface CheckResult { name: string, ok: boolean, detail: string, skipped?: boolean }

/** options that cannot work (e.g. endpoints that cannot be derived): a usage error, not a failed check */
export class ConformanceUsageError extends Error {}

interface Answer { status: number, body: string, signature?: string, elapsedMs: number, error?: string }

interface Callback { path: string, headers: http.IncomingHttpHeaders, body: string, at: number }

/** a key no enterprise has: what a stranger would sign with */
const STRANGER_KEY = 'f'.repeat(64)
/** where the disputes call back when nothing listens: a name that never resolves */
const NOWHERE = 'https://callback.invalid'
const CALLBACK_PREFIX = CASE_PATHS.disputeCallback('')

/** the three endpoint URLs: explicit, or derived from the account-counts URL as the runtime does */
export function endpointUrls (options: Pick<ConformanceOptions, 'url' | 'noticesUrl' | 'disputesUrl' | 'endpoints'>): Record<EndpointName, string> {
  const wanted = options.endpoints ?? ENDPOINTS
  const derive = (explicit: string | undefined, name: EndpointName, flag: string): string => {
    if (explicit) return explicit
    if (!wanted.includes(name)) return ''
    if (!/account-counts$/.test(options.url)) {
      throw new ConformanceUsageError(`cannot derive the ${name} endpoint from ${options.url} (it does not end in account-counts): give ${flag}`)
    }
    return options.url.replace(/account-counts$/, name)
  }
  return {
    'account-counts': options.url,
    'number-events': derive(options.noticesUrl, 'number-events', '--notices-url'),
    disputes: derive(options.disputesUrl, 'disputes', '--disputes-url')
  }
}

export async function runConformance (options: ConformanceOptions): Promise<CheckResult[]> {
  const urls = endpointUrls(options)
  const wanted = options.endpoints ?? ENDPOINTS
  const phone = options.phone ?? DEFAULT_PHONE
  const deadlineMs = options.deadlineMs ?? POLICY.enterprise.deadlineMs
  const results: CheckResult[] = []
  const check = (name: string, ok: boolean, detail: string) => { results.push({ name, ok, detail }) }
  const signedHeaders = (body: string, key = options.key, at = Date.now()) =>
    ({ [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: sign(key, String(at), body) })
  const send = (endpoint: EndpointName, body: string, headers: Record<string, string>) => post(urls[endpoint], body, headers, deadlineMs * 5)

  /** the five refusals, for any endpoint: none of these may be taken */
  const refusals = async (endpoint: EndpointName, fresh: () => { body: string }) => {
    const cases: [string, () => Promise<Answer>][] = [
      ['refuses an unsigned request', () => send(endpoint, fresh().body, {})],
      [`refuses a stale request (${MAX_SKEW_MS / 60_000 + 1} minutes old)`, () => { const { body } = fresh(); return send(endpoint, body, signedHeaders(body, options.key, Date.now() - MAX_SKEW_MS - 60_000)) }],
      [`refuses a request from the future (${MAX_SKEW_MS / 60_000 + 1} minutes ahead)`, () => { const { body } = fresh(); return send(endpoint, body, signedHeaders(body, options.key, Date.now() + MAX_SKEW_MS + 60_000)) }],
      ['refuses a request signed with a wrong key', () => { const { body } = fresh(); return send(endpoint, body, signedHeaders(body, STRANGER_KEY)) }],
      ['refuses a request whose body was changed after signing', () => {
        const { body } = fresh()
        return send(endpoint, body.replace(phone, phone.slice(0, -1) + ((Number(phone.at(-1)) + 1) % 10)), signedHeaders(body))
      }]
    ]
    for (const [name, run] of cases) {
      const a = await run()
      check(`${endpoint}: ${name}`, a.status === 401, a.error ? `no answer: ${a.error}` : a.status === 401 ? 'refused with 401' : `got ${a.status}, want 401`)
    }
  }

  // account counts
  let appsAnswered: string[] = []
  if (wanted.includes('account-counts')) {
    const newRequest = (): { id: string, body: string } => {
      const request: AccountCountRequest = { requestId: randomUUID(), phone }
      return { id: request.requestId, body: JSON.stringify(request) }
    }
    await refusals('account-counts', newRequest)
    const request = newRequest()
    const first = await send('account-counts', request.body, signedHeaders(request.body))
    const firstOk = first.status === 200
    check('account-counts: answers a signed request with 200', firstOk, first.error ? `no answer: ${first.error}` : `got ${first.status}`)
    check(`account-counts: answers within the ${deadlineMs} ms deadline`, !first.error && first.elapsedMs <= deadlineMs, first.error ? `no answer: ${first.error}` : `answered in ${first.elapsedMs} ms`)
    const parsed = firstOk ? AccountCountAnswer.safeParse(tryJson(first.body)) : undefined
    if (parsed?.success) appsAnswered = Object.keys(parsed.data.accounts)
    check('account-counts: answer matches AccountCountAnswer', parsed?.success === true,
      !firstOk ? 'no 200 answer to check' : parsed?.success ? `${appsAnswered.length} app counts` : `not an AccountCountAnswer: ${first.body.slice(0, 120)}`)
    check('account-counts: answer is signed for this request (x-yzt-signature over "answer", the request id and the body)',
      firstOk && verifyAnswer([options.key], request.id, first.signature, first.body), signatureDetail(firstOk, 200, first, 'request id'))
    const second = await send('account-counts', request.body, signedHeaders(request.body))
    const same = firstOk && second.status === 200 && sameJson(first.body, second.body)
    check('account-counts: the same request id again gets the same answer (idempotent)', same,
      !firstOk ? 'no 200 answer to compare' : second.status !== 200 ? `second answer: ${second.error ?? `HTTP ${second.status}`}` : same ? 'identical' : 'the second answer differs')
  }

  // release notices
  if (wanted.includes('number-events')) {
    const newNotice = (): { id: string, body: string } => {
      const notice: NumberNotice = { eventId: randomUUID(), phone, event: 'RELEASED', effectiveAt: new Date().toISOString() }
      return { id: notice.eventId, body: JSON.stringify(notice) }
    }
    await refusals('number-events', newNotice)
    const notice = newNotice()
    const first = await send('number-events', notice.body, signedHeaders(notice.body))
    const firstOk = first.status === 202
    check('number-events: accepts a signed release notice with 202', firstOk, first.error ? `no answer: ${first.error}` : `got ${first.status}`)
    const parsed = firstOk ? NumberNoticeAnswer.safeParse(tryJson(first.body || '{}')) : undefined
    check('number-events: answer matches NumberNoticeAnswer', parsed?.success === true,
      !firstOk ? 'no 202 answer to check' : parsed?.success ? (parsed.data.reference ? `reference ${parsed.data.reference}` : 'no reference (optional)') : `not a NumberNoticeAnswer: ${first.body.slice(0, 120)}`)
    check('number-events: answer is signed for this notice (x-yzt-signature over "answer", the eventId and the body)',
      firstOk && verifyAnswer([options.key], notice.id, first.signature, first.body), signatureDetail(firstOk, 202, first, 'eventId'))
    const second = await send('number-events', notice.body, signedHeaders(notice.body))
    const same = firstOk && second.status === 202 && sameJson(first.body || '{}', second.body || '{}')
    check('number-events: the same eventId again gets the same answer (idempotent)', same,
      !firstOk ? 'no 202 answer to compare' : second.status !== 202 ? `second answer: ${second.error ?? `HTTP ${second.status}`}` : same ? 'identical' : 'the second answer differs')
  }

  // disputes, and the callback
  if (wanted.includes('disputes')) {
    const listener = options.callback === false ? undefined : await callbackListener(options, urls.disputes)
    try {
      const appId = options.appId ?? appsAnswered[0] ?? catalogue.enterprises.find(e => e.id === options.enterpriseId)?.apps[0]?.id ?? 'app'
      const base = listener?.base ?? NOWHERE
      const refused = new Set<string>()
      const newDispute = (): { id: string, body: string } => {
        const itemId = `${randomUUID()}.${appId}`
        const now = Date.now()
        const dispute: DisputeRequest = {
          itemId,
          phone,
          appId,
          kind: 'NOT_MINE',
          note: 'yzt conformance kit: a test dispute about an agreed test number; no real person is waiting for it',
          callbackUrl: base + CASE_PATHS.disputeCallback(itemId),
          deadlines: { acknowledgeBy: new Date(now + 24 * 3600_000).toISOString(), resolveBy: new Date(now + 7 * 24 * 3600_000).toISOString() }
        }
        return { id: itemId, body: JSON.stringify(dispute) }
      }
      await refusals('disputes', () => { const d = newDispute(); refused.add(d.id); return d })
      const dispute = newDispute()
      listener?.expect(dispute.id)
      const sentAt = Date.now()
      const first = await send('disputes', dispute.body, signedHeaders(dispute.body))
      const firstOk = first.status === 202
      check('disputes: accepts a signed dispute with 202', firstOk, first.error ? `no answer: ${first.error}` : `got ${first.status}`)
      const parsed = firstOk ? DisputeAccepted.safeParse(tryJson(first.body)) : undefined
      check('disputes: answer matches DisputeAccepted', parsed?.success === true,
        !firstOk ? 'no 202 answer to check' : parsed?.success ? `reference ${parsed.data.reference}` : `not a DisputeAccepted: ${first.body.slice(0, 120)}`)
      check('disputes: answer is signed for this dispute (x-yzt-signature over "answer", the itemId and the body)',
        firstOk && verifyAnswer([options.key], dispute.id, first.signature, first.body), signatureDetail(firstOk, 202, first, 'itemId'))
      const second = await send('disputes', dispute.body, signedHeaders(dispute.body))
      const again = second.status === 202 ? DisputeAccepted.safeParse(tryJson(second.body)) : undefined
      const same = parsed?.success === true && again?.success === true && again.data.reference === parsed.data.reference
      check('disputes: the same itemId again gets the same reference (idempotent)', same,
        !parsed?.success ? 'no accepted answer to compare' : second.status !== 202 ? `second answer: ${second.error ?? `HTTP ${second.status}`}`
          : !again?.success ? 'the second answer is not a DisputeAccepted' : same ? `the same reference ${parsed.data.reference}` : `${parsed.data.reference}, then ${again.data.reference}`)

      // the callback: the first one not about a dispute that had to be refused
      const waitMs = options.callbackWaitMs ?? DEFAULT_CALLBACK_WAIT_MS
      const names = [
        'disputes: calls back on callbackUrl within the wait',
        'disputes: the callback is for this itemId',
        `disputes: the callback is signed with the enterprise's own key (${CALLER_HEADER} = enterprise id; ${SIGNATURE_HEADER} over the timestamp, "POST path" and the body)`,
        'disputes: the callback matches DisputeCallback',
        'disputes: the first callback is ACKNOWLEDGED'
      ] as const
      if (!listener) {
        const why = options.callback === false ? 'skipped (callback check off)' : `skipped: ${urls.disputes} is not on loopback; give --callback-base URL (reachable by the enterprise) to check it`
        for (const name of names) results.push({ name, ok: true, skipped: true, detail: why })
        return results
      }
      const callback = await listener.first(c => !refused.has(itemOf(c.path) ?? ''), sentAt + waitMs)
      const none = 'no callback to check'
      check(names[0], callback !== undefined, callback ? `first callback ${callback.at - sentAt} ms after the dispute (wait ${waitMs} ms)` : `none within ${waitMs} ms`)
      const item = callback && itemOf(callback.path)
      check(names[1], item === dispute.id, !callback ? none : item === dispute.id ? `POST ${callback.path}` : `POST ${callback.path}: not this dispute's callback URL`)
      const signed = callback && callbackSignature(callback, options, listener.base)
      check(names[2], signed === 'ok', !callback ? none : signed === 'ok' ? `signed by ${options.enterpriseId}` : signed!)
      const answer = callback && DisputeCallback.safeParse(tryJson(callback.body))
      check(names[3], answer?.success === true, !callback ? none : answer?.success ? answer.data.status : `not a DisputeCallback: ${callback.body.slice(0, 120)}`)
      check(names[4], answer?.success === true && answer.data.status === 'ACKNOWLEDGED',
        !callback ? none : answer?.success ? `got ${answer.data.status}` : 'not a DisputeCallback')
    } finally {
      await listener?.close()
    }
  }
  // binding alerts: the enterprise matches its numbers against the synced HMACs only if it computes them as we do
  if (options.subscriptionHmac !== undefined) {
    const want = bindingHmac(options.key, phone)
    check('binding-subscriptions: your HMAC of the test number matches the protocol\'s (HMAC-SHA256(key, "binding-subscription\\0" + number), hex)',
      options.subscriptionHmac.toLowerCase() === want, options.subscriptionHmac.toLowerCase() === want ? 'matches' : `got ${options.subscriptionHmac.slice(0, 16)}…, want ${want.slice(0, 16)}…`)
  }
  return results
}

export function formatReport (options: Pick<ConformanceOptions, 'url' | 'enterpriseId' | 'phone'>, results: CheckResult[]): string {
  const lines = [`Conformance of enterprise "${options.enterpriseId}" at ${options.url} (number ${maskPhone(options.phone ?? DEFAULT_PHONE)})`]
  for (const r of results) lines.push(`  ${r.skipped ? '–' : r.ok ? '✓' : '✗'} ${r.name} — ${r.detail}`)
  const ran = results.filter(r => !r.skipped)
  const skipped = results.length - ran.length ? ` (${results.length - ran.length} skipped)` : ''
  const failed = ran.filter(r => !r.ok)
  lines.push(failed.length ? `FAILED: ${failed.length} of ${ran.length} checks failed${skipped}` : `PASSED: all ${ran.length} checks${skipped}`)
  return lines.join('\n')
}

function signatureDetail (answered: boolean, want: number, a: Answer, id: string): string {
  return !answered ? `no ${want} answer to check` : a.signature ? `the signature does not match this ${id} and body` : 'no x-yzt-signature header'
}

/** the item a callback path is about, or undefined when it is no dispute callback path */
function itemOf (path: string): string | undefined {
  const at = path.indexOf(CALLBACK_PREFIX)
  if (at < 0) return undefined
  const rest = path.slice(at + CALLBACK_PREFIX.length).split('?')[0]!
  try { return decodeURIComponent(rest) } catch { return undefined }
}

/** 'ok', or what is wrong with the callback's signature */
function callbackSignature (c: Callback, options: ConformanceOptions, base: string): string {
  const header = (name: string) => { const v = c.headers[name]; return Array.isArray(v) ? v[0] : v }
  const caller = header(CALLER_HEADER)
  const timestamp = header(TIMESTAMP_HEADER)
  const signature = header(SIGNATURE_HEADER)
  if (!timestamp || !signature) return `no ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`
  if (caller !== options.enterpriseId) return `${CALLER_HEADER} is ${caller === undefined ? 'missing' : `"${caller}"`}, want "${options.enterpriseId}"`
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > MAX_SKEW_MS) return `timestamp ${timestamp} is not within ${MAX_SKEW_MS / 60_000} minutes of now`
  // over the path as it arrived, or as the callback URL names it (behind a proxy that strips a prefix)
  const basePath = new URL(base).pathname.replace(/\/$/, '')
  const paths = [c.path, basePath + c.path]
  const good = paths.some(p => verifyRequest([options.key], timestamp, signature, requestPayload('POST', p, c.body), Date.now()))
  return good ? 'ok' : `the signature does not match ${options.enterpriseId}'s key over this timestamp, "POST ${c.path}" and the body`
}

interface Listener {
  base: string
  /** the item whose callbacks are answered 200 (others: 404, as our API answers for items it does not hold) */
  expect: (itemId: string) => void
  /** the first callback that `matches`, waiting until `until` (epoch ms) */
  first: (matches: (c: Callback) => boolean, until: number) => Promise<Callback | undefined>
  close: () => Promise<void>
}

/** the callback listener: at callbackBase, or on loopback when the dispute desk is there; undefined when neither */
async function callbackListener (options: ConformanceOptions, disputesUrl: string): Promise<Listener | undefined> {
  let host: string | undefined
  let port: number
  let base: string | undefined = options.callbackBase?.replace(/\/$/, '')
  if (base) {
    const u = URL.parse(base)
    if (!u || !/^https?:$/.test(u.protocol)) throw new ConformanceUsageError(`--callback-base ${base} is not an http(s) URL`)
    const p = options.callbackPort ?? (u.port ? Number(u.port) : undefined)
    if (p === undefined) throw new ConformanceUsageError(`--callback-base ${base} names no port: give --callback-port, the local port it reaches`)
    port = p
    if (isLoopback(u.hostname)) host = u.hostname.replace(/^\[|\]$/g, '')
  } else {
    const endpoint = URL.parse(disputesUrl)
    if (!endpoint || !isLoopback(endpoint.hostname)) return undefined
    host = endpoint.hostname === '[::1]' ? '::1' : '127.0.0.1'
    port = options.callbackPort ?? 0
  }
  const received: Callback[] = []
  const waiting = new Set<() => void>()
  let expected: string | undefined
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => { size += c.length; if (size <= MAX_ANSWER_BYTES) chunks.push(c) })
    req.on('end', () => {
      const c: Callback = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
      const item = req.method === 'POST' ? itemOf(c.path) : undefined
      if (item === undefined) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}'); return }
      received.push(c)
      for (const wake of waiting) wake()
      const answer = DisputeCallback.safeParse(tryJson(c.body))
      const signed = callbackSignature(c, options, base!) === 'ok'
      const [status, body] = !signed ? [401, { error: 'bad or stale signature' }]
        : item !== expected ? [404, { error: 'no such item' }]
          : !answer.success ? [400, { error: 'not a DisputeCallback' }]
            : [200, { itemId: item, status: answer.data.status } satisfies DisputeCallbackResponse]
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve) })
  if (!base) base = `http://${host === '::1' ? '[::1]' : host}:${(server.address() as AddressInfo).port}`
  return {
    base,
    expect: itemId => { expected = itemId },
    first: async (matches, until) => {
      for (;;) {
        const found = received.find(matches)
        if (found || Date.now() >= until) return found
        await new Promise<void>(resolve => {
          const wake = () => { clearTimeout(timer); waiting.delete(wake); resolve() }
          const timer = setTimeout(wake, until - Date.now())
          waiting.add(wake)
        })
      }
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function isLoopback (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

function tryJson (text: string): unknown {
  try { return JSON.parse(text) } catch { return undefined }
}

function sameJson (a: string, b: string): boolean {
  const x = tryJson(a)
  return x !== undefined && JSON.stringify(x) === JSON.stringify(tryJson(b))
}

/** one POST, redirects not followed, answer read up to the protocol's caps */
function post (url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const started = Date.now()
  const target = new URL(url)
  const client = target.protocol === 'https:' ? https : http
  return new Promise(resolve => {
    const done = (a: Omit<Answer, 'elapsedMs'>) => resolve({ ...a, elapsedMs: Date.now() - started })
    const req = client.request(target, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
      maxHeaderSize: MAX_ANSWER_HEADER_BYTES,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    }, res => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_ANSWER_BYTES) { req.destroy(); done({ status: res.statusCode ?? 0, body: '', error: `answer over ${MAX_ANSWER_BYTES} bytes` }) } else chunks.push(c)
      })
      res.on('error', err => done({ status: res.statusCode ?? 0, body: '', error: err.message }))
      res.on('end', () => {
        const signature = res.headers[SIGNATURE_HEADER]
        done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), signature: typeof signature === 'string' ? signature : undefined })
      })
    })
    req.on('error', err => done({ status: 0, body: '', error: (err as Error).message }))
    req.end(body)
  })
}
