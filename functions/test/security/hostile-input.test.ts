// Hostile input, property-based, on every route over real HTTP: whatever a client sends, the answer
// is a 4xx with a stable code from the contract, never a 5xx or a stack trace, and nothing is written.
import fc from 'fast-check'
import { ERROR_CODES, ErrorBody, type ErrorCode } from '../../src/contract/index'
import { LIMITS } from '../../src/domain/limits'
import { MAX_BODY_BYTES } from '../../src/lib/http'
import { closeRawAgent, raw, type RawReply, type RawRequest } from '../support/raw-http'
import { startTestSystem, type TestSystem } from '../support/harness'

// the HTTP status of each stable error code, as the contract fixes it (docs/openapi: every error answer names its code)
const STATUS_OF: Record<ErrorCode, number> = {
  INVALID_INPUT: 400, CODE_INVALID: 401, VERIFICATION_FAILED: 403, NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, IDEMPOTENCY_KEY_REUSED: 422, RATE_LIMITED: 429, UNAVAILABLE: 503,
  SIGNATURE_INVALID: 401, CONFLICT: 409
}
const STACK = /\n\s+at |\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+:\d+|node_modules\/|\bstack\b/i
// numRuns are modest on purpose: each run is a real HTTP request, and the file stays well under 60 s
const RUNS = { post: 250, get: 150, other: 80 }

let sys: TestSystem
let pristine: Awaited<ReturnType<TestSystem['dump']>>
beforeAll(async () => {
  sys = await startTestSystem()
  pristine = await sys.dump()
})
afterAll(async () => { closeRawAgent(); await sys?.stop() })
// a property can only have refused everything if no table changed — but for the one write a
// refused wrong code makes: the source's failure log (keyed hash of the source network, times)
const SOURCE_FAILURES = `${LIMITS.verifySource.counter}#`
const withoutSourceFailures = (tables: Awaited<ReturnType<TestSystem['dump']>>) =>
  ({ ...tables, Limits: tables.Limits!.filter(i => !String(i.pk).startsWith(SOURCE_FAILURES)) })
afterEach(async () => { expect(withoutSourceFailures(await sys.dump())).toEqual(pristine) })

function expectRefused (reply: RawReply, allowed: readonly ErrorCode[]): void {
  const context = `${reply.status} ${reply.text.slice(0, 300)}`
  expect({ context, is4xx: reply.status >= 400 && reply.status < 500 }).toEqual({ context, is4xx: true })
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(reply.text).not.toMatch(STACK)
  const parsed = ErrorBody.safeParse(JSON.parse(reply.text))
  expect(parsed.success).toBe(true)
  const code = parsed.data!.error.code
  expect(ERROR_CODES).toContain(code)
  expect({ context, code: allowed.includes(code) }).toEqual({ context, code: true })
  expect(reply.status).toBe(STATUS_OF[code])
}

// ---- building blocks ----------------------------------------------------------------------------
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n })
const validPhone = fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([d, rest]) => `1${d}${rest}`)
const validSuffix = fc.tuple(digits(5), fc.constantFrom(...'0123456789Xx')).map(([a, b]) => a + b)
const validCode = digits(6)

const INJECTION = [
  "' OR '1'='1' --", '"; DROP TABLE Queries; --', '{"$ne":null}', '${7*7}', '{{7*7}}', '#{7*7}',
  '<script>alert(1)</script>', '../../../../etc/passwd', '%00', '\u0000', 'attribute_exists(pk)',
  ':nowS', '#s = :sending', 'pk = :pk OR begins_with(pk, :x)', '__proto__', 'constructor',
  '\r\nSet-Cookie: session=1', '1e309', '-0', 'NaN', 'Infinity', 'null', 'undefined', '０x1F',
  '=cmd|"/c calc"!A1', '$(reboot)', '`id`', '\\u0000', 'A'.repeat(300)
]
const injection = fc.constantFrom(...INJECTION)

// characters NFKC leaves alone and no rule strips: invisible, direction marks and overrides
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C', '\u180E', '\u00AD']
// digits of other scripts that look like digits but NFKC does not fold to ASCII
const LOOKALIKE = ['٠', '١', '٣', '۸', '०', '५', '০', '๓', 'О', 'l', 'I', '𝟷'.normalize('NFKC') === '1' ? 'ߊ' : '𝟷']
const fullWidth = (s: string) => s.replace(/[0-9]/g, d => String.fromCharCode(0xFF10 + Number(d)))

/** a value that looks like `valid` to a person but must not pass the contract */
const unicodeTrick = (valid: fc.Arbitrary<string>) => fc.oneof(
  fc.tuple(valid, fc.constantFrom(...INVISIBLE), fc.nat()).map(([v, ch, i]) => v.slice(0, 1 + i % (v.length - 1)) + ch + v.slice(1 + i % (v.length - 1))),
  fc.tuple(valid, fc.constantFrom(...LOOKALIKE), fc.nat()).map(([v, ch, i]) => v.slice(0, i % v.length) + ch + v.slice(i % v.length + 1)),
  valid.map(v => `\u202E${[...v].reverse().join('')}\u202C`),
  // full width digits, but one too many or one too few
  fc.tuple(valid, fc.boolean()).map(([v, more]) => fullWidth(more ? v + '0' : v.slice(0, -1)))
)

const wrongType = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }), validPhone.map(Number), fc.constant({ toString: 'x' })
)

const FIELDS = ['phone', 'idSuffix', 'code', 'consent'] as const
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'ip', 'sourceIp', 'isAdmin', 'queryId', 'status', 'PHONE', 'phone ', 'phone\u200B'),
  fc.string({ minLength: 1, maxLength: 20 })
).filter(k => !(FIELDS as readonly string[]).includes(k))

interface Case { request: RawRequest, allowed: readonly ErrorCode[] }
const json = (path: string, body: string | Buffer, contentType = 'application/json'): RawRequest =>
  ({ method: 'POST', path, body, headers: { 'content-type': contentType } })

/** bodies of any shape except a valid one; `fields` builds a valid-shaped object for the route */
function hostilePost (path: string, valid: fc.Arbitrary<Record<string, unknown>>, validFieldsOnlyMayPass: readonly ErrorCode[]): fc.Arbitrary<Case> {
  const invalid = (body: string | Buffer, allowed: readonly ErrorCode[] = ['INVALID_INPUT']): Case => ({ request: json(path, body), allowed })
  const keys = valid.map(Object.keys)
  return fc.oneof(
    // malformed JSON
    fc.string({ maxLength: 200 }).filter(s => { try { JSON.parse(s); return false } catch { return true } }).map(s => invalid(s)),
    valid.chain(v => fc.nat({ max: JSON.stringify(v).length - 1 }).map(n => invalid(JSON.stringify(v).slice(0, n)))),
    valid.map(v => invalid(JSON.stringify(v).replace(/}$/, ',}'))),
    valid.map(v => invalid('\uFEFF' + JSON.stringify(v))),
    valid.map(v => invalid(JSON.stringify(v).replace(/"/g, "'"))),
    fc.constantFrom('', ' ', 'null', '[]', '"phone"', '0', 'true', '{}', '{"phone":NaN}', '/*x*/{}', '\u0000').map(s => invalid(s)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map(b => invalid(Buffer.concat([Buffer.from('{"phone":"'), Buffer.from(b), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]))),
    // deeply nested, under and over the size cap
    fc.integer({ min: 50, max: 3000 }).map(d => invalid('['.repeat(d) + ']'.repeat(d), d * 2 > MAX_BODY_BYTES ? ['PAYLOAD_TOO_LARGE'] : ['INVALID_INPUT'])),
    fc.integer({ min: 10, max: 600 }).map(d => {
      const body = '{"phone":'.repeat(d) + '"13800005551"' + '}'.repeat(d)
      return invalid(body, Buffer.byteLength(body) > MAX_BODY_BYTES ? ['PAYLOAD_TOO_LARGE'] : ['INVALID_INPUT'])
    }),
    // wrong types, missing fields, extra fields
    fc.tuple(valid, keys.chain(k => fc.constantFrom(...k)), wrongType)
      .filter(([, k, w]) => !(k === 'consent' && w === true)) // consent: true is the one right value
      .map(([v, k, w]) => invalid(JSON.stringify({ ...v, [k]: w }))),
    fc.tuple(valid, keys.chain(k => fc.subarray(k, { minLength: 1 }))).map(([v, drop]) =>
      invalid(JSON.stringify(Object.fromEntries(Object.entries(v).filter(([k]) => !drop.includes(k)))))),
    fc.tuple(valid, extraKey, fc.jsonValue({ maxDepth: 2 })).map(([v, k, x]) => {
      const body = JSON.stringify(v).replace(/}$/, `,${JSON.stringify(k)}:${JSON.stringify(x ?? null)}}`)
      return invalid(body, Buffer.byteLength(body) > MAX_BODY_BYTES ? ['PAYLOAD_TOO_LARGE'] : ['INVALID_INPUT'])
    }),
    // unicode tricks and injection strings in each field
    fc.tuple(valid, keys.chain(k => fc.constantFrom(...k.filter(f => f !== 'consent')))).chain(([v, k]) =>
      unicodeTrick(k === 'phone' ? validPhone : k === 'idSuffix' ? validSuffix : validCode).map(t => invalid(JSON.stringify({ ...v, [k]: t })))),
    fc.tuple(valid, keys.chain(k => fc.constantFrom(...k)), injection).map(([v, k, s]) => invalid(JSON.stringify({ ...v, [k]: s }))),
    // huge bodies: over the 4 KB cap, counted in bytes (3 bytes a character here), not characters
    fc.tuple(valid, fc.integer({ min: MAX_BODY_BYTES + 1, max: 256 * 1024 }), fc.constantFrom('x', '号', ' ')).map(([v, n, ch]) => {
      const pad = ch.repeat(Math.ceil(n / Buffer.byteLength(ch)))
      return invalid(JSON.stringify({ ...v, phone: pad }), ['PAYLOAD_TOO_LARGE'])
    }),
    // a valid shape is the only thing that may get further, and then only as far as the route allows
    valid.map(v => invalid(JSON.stringify(v), validFieldsOnlyMayPass))
  )
}

const sendCodeBody = validPhone.map(phone => ({ phone }))
// well-formed queries for numbers with no live code: refused at the code (and, once the source has
// failed ten times, before it: 429), nothing written but the source's failure
const submitBody = fc.record({ phone: validPhone, idSuffix: validSuffix, code: validCode, consent: fc.constant(true) })

// ---- the properties -----------------------------------------------------------------------------
test('POST /v1/verification-codes refuses every hostile body', async () => {
  // a valid shape would (rightly) be accepted and write: this route only gets invalid ones
  const cases = hostilePost('/v1/verification-codes', sendCodeBody, []).filter(c => c.allowed.length > 0)
  await fc.assert(fc.asyncProperty(cases, async ({ request, allowed }) => {
    expectRefused(await raw(sys.url, request), allowed)
  }), { numRuns: RUNS.post })
})

test('POST /v1/queries refuses every hostile body; a well-formed one without a live code is CODE_INVALID (or 429 for a source that keeps failing)', async () => {
  await fc.assert(fc.asyncProperty(hostilePost('/v1/queries', submitBody, ['CODE_INVALID', 'RATE_LIMITED']), async ({ request, allowed }) => {
    expectRefused(await raw(sys.url, request), allowed)
  }), { numRuns: RUNS.post })
})

test('POST routes refuse anything that is not JSON by its content type (415) before reading it', async () => {
  const contentType = fc.oneof(
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
      'text/json', 'json', 'application/jsonp', 'application/json-patch+json', 'application/javascript', '*/*',
      'application/vnd.api+json', 'text/html; charset=utf-8'),
    // HTTP trims the whitespace around a header value, so " application/json" is JSON
    fc.string({ maxLength: 40 }).filter(s => /^[\t\x20-\x7e]*$/.test(s) && !/^application\/json\s*(;|$)/i.test(s.trim()))
  )
  const body = fc.oneof(sendCodeBody, submitBody).map(b => JSON.stringify(b))
  await fc.assert(fc.asyncProperty(fc.constantFrom('/v1/verification-codes', '/v1/queries'), contentType, body, fc.boolean(),
    async (path, type, b, omit) => {
      const headers: Record<string, string> = omit ? {} : { 'content-type': type }
      expectRefused(await raw(sys.url, { method: 'POST', path, body: b, headers }), ['UNSUPPORTED_MEDIA_TYPE'])
    }), { numRuns: RUNS.other })
})

test('GET /v1/queries/{id}: any id that is not an accepted query is NOT_FOUND, whatever comes with it', async () => {
  const id = fc.oneof(
    fc.uuid({ version: 4 }), fc.uuid(), fc.string({ maxLength: 64 }), fc.string({ unit: 'grapheme', maxLength: 32 }), injection,
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef-'), minLength: 36, maxLength: 2000 })
  ).filter(s => s.length > 0)
  const path = fc.oneof(
    id.map(s => `/v1/queries/${encodeURIComponent(s)}`),
    fc.constantFrom('/v1/queries/..%2f..%2fenterprises', '/v1/queries/%ZZ', '/v1/queries/a/b', '/v1/queries/', '/v1/queries//',
      '/v1/queries/%2e%2e', '/v1/queries/%00', '/v1/queries/00000000-0000-4000-8000-000000000000%0d%0a')
  )
  const query = fc.oneof(fc.constant(''), fc.string({ maxLength: 50 }).map(s => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`))
  const extras = fc.record({ contentType: fc.constantFrom(undefined, 'application/json', 'text/plain'), body: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }) })
  await fc.assert(fc.asyncProperty(path, query, extras, async (p, q, { contentType, body }) => {
    const reply = await raw(sys.url, { method: 'GET', path: p + q, body, headers: contentType ? { 'content-type': contentType } : {} })
    expectRefused(reply, ['NOT_FOUND'])
  }), { numRuns: RUNS.get })
})

test('GET /v1/enterprises takes no input: hostile extras change nothing in the answer', async () => {
  const clean = await raw(sys.url, { method: 'GET', path: '/v1/enterprises' })
  expect(clean.status).toBe(200)
  await fc.assert(fc.asyncProperty(
    fc.string({ maxLength: 80 }), injection, fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    async (q, header, body) => {
      const reply = await raw(sys.url, {
        method: 'GET', path: `/v1/enterprises?${encodeURIComponent(q)}=${encodeURIComponent(header)}`, body,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': header.replace(/[^\x20-\x7e]/g, '') }
      })
      expect(reply.status).toBe(200)
      expect(reply.text).toBe(clean.text)
    }), { numRuns: RUNS.other })
})

const routedPath = (m: string, p: string) => (m === 'POST' && ['/v1/verification-codes', '/v1/queries'].includes(p)) ||
  (m === 'GET' && (p === '/v1/enterprises' || /^\/v1\/queries\/[^/]+$/.test(p)))

test('unknown routes and wrong methods are NOT_FOUND', async () => {
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
  const path = fc.oneof(
    fc.constantFrom('/v1/verification-codes', '/v1/queries', '/v1/enterprises', '/v1/queries/x'),
    fc.string({ maxLength: 40 }).map(s => `/v1/${encodeURIComponent(s)}`),
    fc.constantFrom('/v2/queries', '/v1', '/', '/dev/../v1/queries', '/V1/QUERIES', '/v1/queries/../enterprises')
  )
  await fc.assert(fc.asyncProperty(method, path, async (m, p) => {
    const routed = routedPath(m, p)
    fc.pre(!routed)
    // dot segments are resolved before routing ("/dev/../v1/queries" is "/v1/queries"), as by any URL parser
    fc.pre(new URL(p, 'http://x').pathname === p || !routedPath(m, new URL(p, 'http://x').pathname))
    expectRefused(await raw(sys.url, { method: m, path: p, body: m === 'GET' ? undefined : '{}', headers: { 'content-type': 'application/json' } }), ['NOT_FOUND'])
  }), { numRuns: RUNS.other })
})

test('a body over the gateway limit (10 MB) is refused as too large', async () => {
  const reply = await raw(sys.url, json('/v1/queries', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)))
  expectRefused(reply, ['PAYLOAD_TOO_LARGE'])
})
