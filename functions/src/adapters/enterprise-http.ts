// The enterprises over HTTPS: one signed POST per enterprise; the answer counts only when it is a
// 2xx (never a redirect), fits the size caps, carries the enterprise's signature over this
// request's id and its body, and matches the schema. Anything else is that enterprise unavailable.
// node:http rather than fetch: fetch follows redirects by default and offers no cap on the header
// block; here the socket is destroyed the moment an answer outgrows its cap, so nothing past the
// cap is ever buffered.
import { randomUUID } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import { AccountCountAnswer, MAX_ANSWER_BYTES, MAX_ANSWER_HEADER_BYTES, type AccountCountRequest } from '#contract/enterprise'
import type { AccountCounts, Clock, EnterpriseGateway } from '#ports'
import { checkEndpoint } from '#infra-shared/enterprise-document'
import { enterpriseKeys, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAnswer, type MasterKeys } from '#lib/signing'

/** the answer was refused; `bytesRead` is how much of its body was read before we stopped */
export class AnswerRefused extends Error {
  constructor (message: string, readonly bytesRead = 0) { super(message) }
}

export interface HttpGatewayConfig {
  /** where the enterprise answers (from the enterprise configuration) */
  endpoint: (enterpriseId: string) => Promise<string | undefined>
  /** read at every call, so a rotated key is used as soon as the secrets cache refreshes */
  masterKeys: () => Promise<MasterKeys>
  clock: Clock
  /** deployed (on Lambda): every endpoint must be https */
  deployed: boolean
  requestId?: () => string
}

export function httpEnterpriseGateway (config: HttpGatewayConfig): EnterpriseGateway {
  return {
    countAccounts: async (enterpriseId, phone, signal) => (await ask(enterpriseId, phone, signal)).accounts,
    countAccountsSince: (enterpriseId, phone, since, signal) => ask(enterpriseId, phone, signal, since)
  }

  async function ask (enterpriseId: string, phone: string, signal: AbortSignal, since?: number): Promise<AccountCounts> {
    const url = await config.endpoint(enterpriseId)
    if (!url) throw new Error(`no endpoint configured for ${enterpriseId}`)
    // the configuration is read at run time: its endpoints are checked where they are used
    checkEndpoint(url, config.deployed)
    const keys = enterpriseKeys(await config.masterKeys(), enterpriseId, config.clock.now())
    const request: AccountCountRequest = { requestId: (config.requestId ?? randomUUID)(), phone, ...(since !== undefined && { since: new Date(since).toISOString() }) }
    const body = JSON.stringify(request)
    const timestamp = String(config.clock.now())
    const answer = await post(new URL(url), body, {
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: sign(keys.signing, timestamp, body)
    }, signal)
    if (!verifyAnswer(keys.accepted, request.requestId, answer.signature, answer.body)) {
      throw new AnswerRefused('answer unsigned or not signed for this request', answer.bytesRead)
    }
    let json: unknown
    try { json = JSON.parse(answer.body) } catch { throw new AnswerRefused('malformed answer: not JSON', answer.bytesRead) }
    const parsed = AccountCountAnswer.safeParse(json)
    if (!parsed.success) throw new AnswerRefused('malformed answer: schema', answer.bytesRead)
    return parsed.data
  }
}

// the endpoint rule lives with the configuration document (infra checks it at synth too)
export { checkEndpoint }

interface RawAnswer { body: string, signature: string | undefined, bytesRead: number }

/**
 * One kept-alive pool per container for every enterprise: a query reuses the connections (and TLS
 * sessions) of the last one instead of paying a handshake per enterprise. Up to 256 sockets per
 * origin, so 60 enterprises behind one gateway host (or many queries at once, locally) never queue
 * behind each other: no head-of-line blocking. LIFO keeps the warmest sockets in use.
 */
export const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' } as const
const agents = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) }

export function post (url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<RawAnswer> {
  const secure = url.protocol === 'https:'
  const client = secure ? https : http
  return new Promise((resolve, reject) => {
    let bytesRead = 0
    const fail = (err: Error) => { req.destroy(); reject(err) }
    const req = client.request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      signal,
      maxHeaderSize: MAX_ANSWER_HEADER_BYTES,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    }, res => {
      const status = res.statusCode ?? 0
      // a redirect would hand the clear number and a valid signature to another host: never followed
      if (status < 200 || status > 299) { fail(new AnswerRefused(`HTTP ${status}`)); return }
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length
        if (bytesRead > MAX_ANSWER_BYTES) { fail(new AnswerRefused(`answer over ${MAX_ANSWER_BYTES} bytes`, bytesRead)); return }
        chunks.push(chunk)
      })
      res.on('error', fail)
      res.on('end', () => {
        const signature = res.headers[SIGNATURE_HEADER]
        resolve({ body: Buffer.concat(chunks).toString('utf8'), signature: typeof signature === 'string' ? signature : undefined, bytesRead })
      })
    })
    req.on('error', (err: Error & { code?: string }) => {
      reject(err.code === 'HPE_HEADER_OVERFLOW' ? new AnswerRefused(`answer header block over ${MAX_ANSWER_HEADER_BYTES} bytes`) : err)
    })
    req.end(body)
  })
}
