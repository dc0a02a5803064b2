// The edge of the signed server-to-server routes (carriers, platforms): the caller is named by a
// header, its own key must sign method, path, timestamp and body, and a signature works once.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { AppError } from '#domain/errors'
import { CALLER_HEADER, requestPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from './signing'
import { answer, json, parseBody, type HttpResult, type Schema } from './http'

export interface Caller { id: string, signature: string }

export interface SignedRouteDeps {
  now (): number
  /** the keys the caller may sign with now (two during a key rotation); none for a caller that does not exist */
  keysFor (callerId: string): Promise<string[]>
  /** true the first time a signature is presented */
  firstUse (signature: string, now: number): Promise<boolean>
}

export function signedRoute<T = undefined> (
  spec: { body?: Schema<T>, status: number, maxBodyBytes?: number },
  deps: () => Promise<SignedRouteDeps>,
  run: (input: { caller: Caller, body: T, event: APIGatewayProxyEventV2 }) => Promise<unknown>
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return event => answer(event, async () => {
    const d = await deps()
    const now = d.now()
    // the caller first: an unsigned request is refused before its body is read
    const caller = await authenticate(event, d, now)
    const body = spec.body ? parseBody(event, spec.body, spec.maxBodyBytes) : undefined as T
    return json(spec.status, await run({ caller, body, event }))
  })
}

async function authenticate (event: APIGatewayProxyEventV2, deps: SignedRouteDeps, now: number): Promise<Caller> {
  const headers = event.headers ?? {}
  const id = headers[CALLER_HEADER] ?? ''
  const signature = headers[SIGNATURE_HEADER] ?? ''
  const keys = /^[a-z0-9-]{1,32}$/.test(id) ? await deps.keysFor(id) : []
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  const path = event.rawPath + (event.rawQueryString ? `?${event.rawQueryString}` : '')
  const payload = requestPayload(event.requestContext?.http?.method ?? 'GET', path, raw)
  if (!verifyRequest(keys, headers[TIMESTAMP_HEADER], signature, payload, now)) throw new AppError('SIGNATURE_INVALID')
  // checked last: a forged request must not spend a real caller's signature slot
  if (!await deps.firstUse(`${id}:${signature}`, now)) throw new AppError('SIGNATURE_INVALID')
  return { id, signature }
}
