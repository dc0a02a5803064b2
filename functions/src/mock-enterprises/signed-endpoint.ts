// What every mocked enterprise endpoint does at its edges, the way a real enterprise must:
// verify our signed request (current key, or the previous one during a rotation) and sign its
// answer over the request id and the answer body. A new endpoint uses these two and nothing else.
import { enterpriseKeys, signAnswer, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest, type MasterKeys } from '#lib/signing'

export interface MockAnswer { status: number, body: string, headers: Record<string, string> }

type Headers = Record<string, string | string[] | undefined>

/** the enterprise key that signed this request, or undefined: unsigned, stale, or signed with no key of this enterprise */
export function verifyEnterpriseRequest (master: MasterKeys, enterpriseId: string, headers: Headers, body: string, now: number): string | undefined {
  return verifyRequest(enterpriseKeys(master, enterpriseId, now).accepted, header(headers, TIMESTAMP_HEADER), header(headers, SIGNATURE_HEADER), body, now)
}

/** an answer signed with the key that signed the request, bound to its request id */
export function signedReply (key: string, requestId: string, status: number, body: string): MockAnswer {
  return { status, body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signAnswer(key, requestId, body) } }
}

/** an unsigned answer: only for refusals made before the request could be trusted */
export function reply (status: number, body: unknown): MockAnswer {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
}

function header (headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}
