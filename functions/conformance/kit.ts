// The conformance kit: checks one enterprise endpoint against the enterprise connector API
// (docs/openapi/enterprise.json): it refuses unsigned, stale, wrong-key and tampered requests,
// answers a signed one in time, in shape, signed for that request, and the same again for the same
// request id. Every check runs; the report lists each with what was seen.
import { randomUUID } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import { AccountCountAnswer, MAX_ANSWER_BYTES, MAX_ANSWER_HEADER_BYTES, type AccountCountRequest } from '../src/contract/enterprise'
import { maskPhone } from '../src/contract/index'
import { POLICY } from '../src/domain/policy'
import { MAX_SKEW_MS, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAnswer } from '../src/lib/signing'

export interface ConformanceOptions {
  /** the enterprise's account-counts endpoint, in full */
  url: string
  enterpriseId: string
  /** the enterprise's own key (hex), as we hand it to the enterprise */
  key: string
  /** the number asked about: a test number the enterprise agreed to */
  phone?: string
  deadlineMs?: number
}

export interface CheckResult { name: string, ok: boolean, detail: string }

interface Answer { status: number, body: string, signature?: string, elapsedMs: number, error?: string }

/** a key no enterprise has: what a stranger would sign with */
const STRANGER_KEY = 'f'.repeat(64)

export async function runConformance (options: ConformanceOptions): Promise<CheckResult[]> {
  const phone = options.phone ?? '13800005551'
  const deadlineMs = options.deadlineMs ?? POLICY.enterprise.deadlineMs
  const results: CheckResult[] = []
  const check = (name: string, ok: boolean, detail: string) => { results.push({ name, ok, detail }) }
  const newRequest = (): { id: string, body: string } => {
    const request: AccountCountRequest = { requestId: randomUUID(), phone }
    return { id: request.requestId, body: JSON.stringify(request) }
  }
  const send = (body: string, headers: Record<string, string>) => post(options.url, body, headers, deadlineMs * 5)
  const signedHeaders = (body: string, key = options.key, at = Date.now()) =>
    ({ [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: sign(key, String(at), body) })

  // refusals: none of these may get counts
  const refusals: [string, () => Promise<Answer>][] = [
    ['refuses an unsigned request', () => { const r = newRequest(); return send(r.body, {}) }],
    [`refuses a stale request (${MAX_SKEW_MS / 60_000 + 1} minutes old)`, () => { const r = newRequest(); return send(r.body, signedHeaders(r.body, options.key, Date.now() - MAX_SKEW_MS - 60_000)) }],
    [`refuses a request from the future (${MAX_SKEW_MS / 60_000 + 1} minutes ahead)`, () => { const r = newRequest(); return send(r.body, signedHeaders(r.body, options.key, Date.now() + MAX_SKEW_MS + 60_000)) }],
    ['refuses a request signed with a wrong key', () => { const r = newRequest(); return send(r.body, signedHeaders(r.body, STRANGER_KEY)) }],
    ['refuses a request whose body was changed after signing', () => {
      const r = newRequest()
      return send(r.body.replace(phone, phone.slice(0, -1) + ((Number(phone.at(-1)) + 1) % 10)), signedHeaders(r.body))
    }]
  ]
  for (const [name, run] of refusals) {
    const a = await run()
    check(name, a.status === 401, a.error ? `no answer: ${a.error}` : a.status === 401 ? 'refused with 401' : `got ${a.status}, want 401`)
  }

  // a good request
  const request = newRequest()
  const first = await send(request.body, signedHeaders(request.body))
  const firstOk = first.status === 200
  check('answers a signed request with 200', firstOk, first.error ? `no answer: ${first.error}` : `got ${first.status}`)
  check(`answers within the ${deadlineMs} ms deadline`, !first.error && first.elapsedMs <= deadlineMs, first.error ? `no answer: ${first.error}` : `answered in ${first.elapsedMs} ms`)
  const parsed = firstOk ? AccountCountAnswer.safeParse(tryJson(first.body)) : undefined
  check('answer matches AccountCountAnswer', parsed?.success === true,
    !firstOk ? 'no 200 answer to check' : parsed?.success ? `${Object.keys(parsed.data.accounts).length} app counts` : `not an AccountCountAnswer: ${first.body.slice(0, 120)}`)
  check('answer is signed for this request (x-yzt-signature over "answer", the request id and the body)',
    firstOk && verifyAnswer([options.key], request.id, first.signature, first.body),
    !firstOk ? 'no 200 answer to check' : first.signature ? 'the signature does not match this request id and body' : 'no x-yzt-signature header')
  const second = await send(request.body, signedHeaders(request.body))
  const same = firstOk && second.status === 200 && sameJson(first.body, second.body)
  check('the same request id again gets the same answer (idempotent)', same,
    !firstOk ? 'no 200 answer to compare' : second.status !== 200 ? `second answer: ${second.error ?? `HTTP ${second.status}`}` : same ? 'identical' : 'the second answer differs')
  return results
}

export function formatReport (options: Pick<ConformanceOptions, 'url' | 'enterpriseId' | 'phone'>, results: CheckResult[]): string {
  const lines = [`Conformance of enterprise "${options.enterpriseId}" at ${options.url} (number ${maskPhone(options.phone ?? '13800005551')})`]
  for (const r of results) lines.push(`  ${r.ok ? '✓' : '✗'} ${r.name} — ${r.detail}`)
  const failed = results.filter(r => !r.ok)
  lines.push(failed.length ? `FAILED: ${failed.length} of ${results.length} checks failed` : `PASSED: all ${results.length} checks`)
  return lines.join('\n')
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
