// The enterprise connector API as an OpenAPI 3.1 document: what each enterprise implements, and how
// requests and answers are signed. A new endpoint (disputes, lifecycle notices…) is one entry in
// ENTERPRISE_OPERATIONS using the same signed headers.
import { POLICY } from '../../domain/policy'
import { MAX_SKEW_MS, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/signing'
import { AccountCountAnswer, AccountCountRequest, EnterpriseError, MAX_ANSWER_BYTES, MAX_ANSWER_HEADER_BYTES } from '../enterprise'
import { DisputeAccepted, DisputeRequest } from '../disputes'
import { NumberNotice, NumberNoticeAnswer } from '../lifecycle'
import { openApiDocument, schema, type HeaderSpec, type Operation, type ResponseSpec } from './document'

export const ACCOUNT_COUNTS_PATH = '/enterprises/{enterpriseId}/account-counts'

export const SIGNED_REQUEST_HEADERS: HeaderSpec[] = [
  { name: TIMESTAMP_HEADER, description: 'when the request was signed, epoch milliseconds; refuse it when more than 5 minutes from your clock', pattern: '^\\d{1,16}$' },
  { name: SIGNATURE_HEADER, description: 'hex HMAC-SHA256(enterprise key, timestamp + "\\n" + body)', pattern: '^[0-9a-f]{64}$' }
]
export const SIGNED_ANSWER_HEADERS: HeaderSpec[] = [
  { name: SIGNATURE_HEADER, description: 'hex HMAC-SHA256(enterprise key, "answer\\n" + requestId + "\\n" + body): binds the answer to its request', pattern: '^[0-9a-f]{64}$' }
]
const refusal = (description: string): ResponseSpec => ({ description, body: schema('EnterpriseError', EnterpriseError) })

export const ENTERPRISE_OPERATIONS: Operation[] = [
  {
    method: 'post', path: ACCOUNT_COUNTS_PATH, operationId: 'countAccounts',
    summary: 'How many accounts of each of your apps are bound to this number',
    description: [
      'Answer with a count for every app of yours in the catalogue (0 when there is none). The same requestId again must',
      'get the same answer (we may retry); a requestId reused with another body may be refused with 409.'
    ].join(' '),
    requestHeaders: SIGNED_REQUEST_HEADERS,
    requestBody: schema('AccountCountRequest', AccountCountRequest),
    responses: {
      200: { description: 'the counts, signed', body: schema('AccountCountAnswer', AccountCountAnswer), headers: SIGNED_ANSWER_HEADERS },
      400: refusal('the body is not an AccountCountRequest'),
      401: refusal('unsigned, signed with another key or over another body, or a stale timestamp'),
      409: refusal('this requestId was already used for another request')
    },
    security: ['yztSignature']
  },
  {
    method: 'post', path: '/enterprises/{enterpriseId}/number-events', operationId: 'numberReleased',
    summary: 'A number was released (销号) or re-issued early: remove or freeze its bindings, then confirm',
    description: [
      'Answer 202 at once, signed like an account-count answer with eventId in place of requestId. When done, confirm',
      'with POST /v1/enterprise-callbacks/number-events/{eventId} on our API, signed with your key (see the public API',
      'document), within 5 working days. The same eventId may come again (we retry); answer it the same way.'
    ].join(' '),
    requestHeaders: SIGNED_REQUEST_HEADERS,
    requestBody: schema('NumberNotice', NumberNotice),
    responses: {
      202: { description: 'accepted, signed', body: schema('NumberNoticeAnswer', NumberNoticeAnswer), headers: SIGNED_ANSWER_HEADERS },
      400: refusal('the body is not a NumberNotice'),
      401: refusal('unsigned, signed with another key or over another body, or a stale timestamp')
    },
    security: ['yztSignature']
  },
  {
    method: 'post', path: '/enterprises/{enterpriseId}/disputes', operationId: 'disputeAccounts',
    summary: 'A person disputes the accounts of one of your apps on their number (resolution case item)',
    description: [
      'Answer 202 at once with your reference, signed like an account-count answer with itemId in place of requestId. Then',
      'call back on `callbackUrl` (POST /v1/enterprise-callbacks/disputes/{itemId} on our API), signed with your key like any',
      'caller of our signed routes: ACKNOWLEDGED within 24 hours, then RESOLVED, NEEDS_USER_ACTION (your own identity check,',
      'in your app) or REJECTED within 5 working days (`deadlines`). You decide and verify identity your own way.',
      'The same itemId may come again (we retry); answer it the same way. Only ever answer for items you received.'
    ].join(' '),
    requestHeaders: SIGNED_REQUEST_HEADERS,
    requestBody: schema('DisputeRequest', DisputeRequest),
    responses: {
      202: { description: 'accepted, signed', body: schema('DisputeAccepted', DisputeAccepted), headers: SIGNED_ANSWER_HEADERS },
      400: refusal('the body is not a DisputeRequest, or the app is not yours'),
      401: refusal('unsigned, signed with another key or over another body, or a stale timestamp')
    },
    security: ['yztSignature']
  }
]

export const SIGNING_SCHEME = `
**Keys.** Each enterprise has its own key: hex HMAC-SHA256(master key, "enterprise\\0" + enterprise id). We hand it to you
out of band. During a rotation both the new and the previous key are valid until the end of an announced overlap.

**Requests** (we sign, you verify): the exact body bytes, the \`${TIMESTAMP_HEADER}\` header (epoch milliseconds) and
\`${SIGNATURE_HEADER}\` = hex HMAC-SHA256(key, timestamp + "\\n" + body). Refuse with 401, without looking at the body, any
request that is unsigned, whose signature does not match (another key, another body), or whose timestamp is more than
${MAX_SKEW_MS / 60_000} minutes from your clock. Compare signatures in constant time.

**Answers** (you sign, we verify): \`${SIGNATURE_HEADER}\` = hex HMAC-SHA256(key, "answer\\n" + requestId + "\\n" + body) over the
exact answer bytes, with the requestId of the request being answered. We count an answer only when it is a 2xx (redirects are
never followed), arrives complete within ${POLICY.enterprise.deadlineMs} ms, is at most ${MAX_ANSWER_BYTES / 1024} kB (header block at most
${MAX_ANSWER_HEADER_BYTES / 1024} kB), carries a valid answer signature, and matches AccountCountAnswer with every app of yours. Anything
else makes your apps read 暂无法查询 in the user's SMS (never 0); we retry once with a new requestId.

**Idempotency.** The same requestId must always get the same answer.

**Transport.** https only; the number is personal data: do not log it, keep it no longer than the answer needs.

**Binding alerts.** A holder who turns on 绑定提醒 is in your set of subscribed numbers: read it with the signed
GET /v1/enterprise-sync/binding-subscriptions (pages, \`?cursor=\`) on our API; each entry is hex
HMAC-SHA256(your key, "binding-subscription\\0" + number), so you can match only numbers you hold. When one of those is
bound to one of your apps, POST /v1/enterprise-events/bindings (signed, at most 1,000 events a batch) within a minute.

Check your connector with \`npm run conformance -- --url URL --enterprise ID --key-file F\` (URL: your account-counts endpoint):
all three endpoints (account counts, release notices, disputes) and the dispute callback, which the kit receives itself
(\`--callback-base URL\` where you can reach it).`.trim()

export function enterpriseApiDocument (): Record<string, unknown> {
  return openApiDocument({
    title: 'yzt 一证通查 enterprise connector API',
    version: '1',
    description: `What each participating enterprise implements. Generated from the zod schemas in functions/src/contract/enterprise.ts.\n\n${SIGNING_SCHEME}`,
    servers: [{ url: '{base}', description: 'the base URL the enterprise registers (https)', variables: { base: { default: 'https://partner.example', description: 'your endpoint base' } } }],
    securitySchemes: {
      yztSignature: {
        type: 'apiKey', in: 'header', name: SIGNATURE_HEADER,
        description: `HMAC-SHA256 request signature with ${TIMESTAMP_HEADER}; see the description of this document`
      }
    },
    operations: ENTERPRISE_OPERATIONS
  })
}
