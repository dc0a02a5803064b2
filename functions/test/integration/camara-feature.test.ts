// CAMARA's own 15 scenarios for Number Recycling r2.2 (test/fixtures/camara/number-recycling.feature),
// each run over real HTTP against the local runtime on DynamoDB Local. The histories are made the way
// carriers make them (signed number events); tokens come from our token endpoint, except those our
// endpoint never issues (another scope or audience, a three-legged subject, forgeries), minted with
// the public development key. Where a step names a class of inputs, several members are sent and
// each one must get the answer.
import * as path from 'node:path'
import { DEV_SECRETS } from '../../src/adapters/secrets'
import { LIFECYCLE_PATHS } from '../../src/contract/lifecycle'
import { carrierKey, signedRequestHeaders } from '../../src/lib/signing'
import { chinaDate } from '../../src/domain/china-time'
import { readFeature, runSteps, type StepDefinition } from '../support/gherkin'
import { accessToken, CAMARA_DIR, compliesWith, correlator, invalidTokens, mintToken } from '../support/camara'
import { call, startTestSystem, type TestSystem } from '../support/harness'

const feature = readFeature(path.join(CAMARA_DIR, 'number-recycling.feature'))
/** User A since 2023-10-09, still using it (CAMARA's scenario 1) */
const LINKED = '13812340001'
/** User A 2023-10-09 to 2024-02-25, then User B from 2024-09-21 (CAMARA's scenario 2) */
const RECYCLED = '13912340002'
/** the day the user signed with the service provider (the ASP), in both scenarios */
const ASP_CONTRACT = '2023-12-22'

let sys: TestSystem
let seq = 0
async function carrierEvents (events: { phone: string, type: string, effectiveAt: string, idSuffix?: string }[]) {
  const body = JSON.stringify({ events: events.map(e => ({ eventId: `camara${++seq}`, ...e })) })
  sys.clock.advance(1)
  const headers = signedRequestHeaders('cmcc', carrierKey(DEV_SECRETS.enterpriseKey, 'cmcc'), 'POST', LIFECYCLE_PATHS.numberEvents, body, sys.clock.now())
  const res = await call(sys.url, 'POST', LIFECYCLE_PATHS.numberEvents, body, headers)
  for (const r of res.body.results) expect([r.outcome, r.reason]).toEqual([expect.stringMatching(/^(APPLIED|FLAGGED)$/), r.outcome === 'FLAGGED' ? expect.any(String) : undefined])
}

beforeAll(async () => {
  sys = await startTestSystem()
  await carrierEvents([{ phone: LINKED, type: 'ACTIVE', effectiveAt: '2023-10-09' }])
  await carrierEvents([
    { phone: RECYCLED, type: 'ACTIVE', effectiveAt: '2023-10-09' },
    { phone: RECYCLED, type: 'CANCELLED', effectiveAt: '2024-02-25' },
    { phone: RECYCLED, type: 'REISSUED', effectiveAt: '2024-09-21', idSuffix: '54321X' }
  ])
})
afterAll(async () => { await sys?.stop() })

const NO_BODY = Symbol('no body')
type Body = Record<string, unknown> | string | typeof NO_BODY
interface Reply { status: number, contentType: string, correlator: string | null, body: any, sentCorrelator?: string }
interface Ctx {
  path: string
  headers: Record<string, string>
  body: Record<string, unknown>
  /** a step naming a class of bodies or tokens: every member is sent */
  bodies?: Body[]
  auths?: (string | undefined)[]
  replies: Reply[]
}

let cached: { token: string, until: number } | undefined
async function validToken (): Promise<string> {
  // a client keeps its token for its hour, as CAMARA clients do
  if (!cached || cached.until <= sys.clock.now() + 60_000) cached = { token: await accessToken(sys), until: sys.clock.now() + 3600_000 }
  return cached.token
}

const e164 = (phone: string) => `+86${phone}`
const nonCompliant = (pointer: string, values: unknown[]) => values.map(v => { expect([v, compliesWith(pointer, v)]).toEqual([v, false]); return v })

const steps: StepDefinition<Ctx>[] = [
  // Background
  [/^an environment at "apiRoot"$/, () => undefined],
  [/^the resource "(.+)"$/, (ctx, resource) => { ctx.path = resource! }],
  [/^the header "(.+)" is set to "(.+)"$/, (ctx, name, value) => { ctx.headers[name!.toLowerCase()] = value! }],
  [/^the header "Authorization" is set to a valid access token$/, async ctx => { ctx.headers.authorization = `Bearer ${await validToken()}` }],
  [/^the header "x-correlator" complies with the schema at "(.+)"$/, (ctx, pointer) => {
    ctx.headers['x-correlator'] = correlator()
    expect(compliesWith(pointer!, ctx.headers['x-correlator'])).toBe(true)
  }],
  [/^the request body is set by default to a request body compliant with the schema$/, ctx => {
    ctx.body = { phoneNumber: e164(LINKED), specifiedDate: ASP_CONTRACT }
    expect(compliesWith('/components/schemas/CreateCheckNumRecycling', ctx.body)).toBe(true)
  }],

  // the subject and the date
  [/^a valid (?:testing )?phone number supported by the service, identified by the access token or provided in the request body$/, ctx => { ctx.body.phoneNumber = e164(LINKED) }],
  [/^the same phone number was cancelled by the User A and is used by User B$/, ctx => { ctx.body.phoneNumber = e164(RECYCLED) }],
  [/^the request body property "\$\.specifiedDate" is set to a date on which the (?:user|User A) signed contracts with Service Provider$/, ctx => { ctx.body.specifiedDate = ASP_CONTRACT }],
  [/^the request body property "\$\.specifiedDate" is set to a value in the future$/, ctx => {
    ctx.bodies = [1, 2, 400].map(days => ({ ...ctx.body, specifiedDate: chinaDate(sys.clock.now() + days * 86_400_000) }))
  }],
  [/^the request body is set to a valid parameter combination with property "\$\.specifiedDate" set to "<invalid_specifiedDate>"$/, ctx => {
    const dates = nonCompliant('/components/schemas/CreateCheckNumRecycling/properties/specifiedDate',
      ['2024-13-01', '2024-02-30', '2023-02-29', '20241031', '31/10/2024', '2024-1-1', '2024-10-31T00:00:00Z', '', 'yesterday', 20241031])
    ctx.bodies = dates.map(d => ({ ...ctx.body, specifiedDate: d }))
  }],
  [/^the request body is not included$/, ctx => { ctx.bodies = [NO_BODY] }],
  [/^the request body is set to "(\{\})"$/, (ctx, raw) => { ctx.bodies = [raw!] }],
  [/^the request body is set to any value which is not compliant with the OAS schema at "(.+)"$/, (ctx, pointer) => {
    const values = nonCompliant(pointer!, [
      [], null, 'check', 42,
      { phoneNumber: e164(LINKED) },
      { phoneNumber: e164(LINKED), specifiedDate: 20231222 },
      { phoneNumber: Number(`86${LINKED}`), specifiedDate: ASP_CONTRACT },
      { phoneNumber: e164(LINKED), specifiedDate: [ASP_CONTRACT] }
    ])
    ctx.bodies = [...values.map(v => JSON.stringify(v)), '{"specifiedDate":', 'specifiedDate=2023-12-22']
  }],
  [/^the request body property "\$\.phoneNumber" does not comply with the OAS schema at "(.+)"$/, (ctx, pointer) => {
    const phones = nonCompliant(pointer!, [LINKED, `86${LINKED}`, `+86 ${LINKED}`, `+86-${LINKED}`, '+0123456', '+1234', `+86${LINKED}0000000`, `${e164(LINKED)}\n`, 8613800005551])
    ctx.bodies = phones.map(p => ({ ...ctx.body, phoneNumber: p }))
  }],
  [/^the request body property "\$\.phoneNumber" is set to a valid phone number$/, ctx => { ctx.body.phoneNumber = e164(LINKED) }],
  [/^the request body property "\$\.phoneNumber" is not included$/, ctx => { delete ctx.body.phoneNumber }],
  [/^that the service is not available for all phone numbers commercialized by the operator$/, () => {
    // ours: mainland China mobile numbers only (+86 1[3-9]…); the next step picks numbers outside it
  }],
  [/^a valid phone number, identified by the token or provided in the request body, for which the service is not applicable$/, ctx => {
    const numbers = ['+14155550100', '+8610 12345678'.replace(' ', ''), '+85291234567', '+8612012345678']
    for (const n of numbers) expect([n, compliesWith('/components/schemas/PhoneNumber', n)]).toEqual([n, true])
    ctx.bodies = numbers.map(n => ({ ...ctx.body, phoneNumber: n }))
  }],

  // the access token
  [/^the header "Authorization" is set to an expired access token$/, async ctx => {
    ctx.headers.authorization = `Bearer ${await validToken()}`
    sys.clock.advance(3600_000 + 1000)
  }],
  [/^the header "Authorization" is set to an invalid access token which is invalid for reasons other than lifetime expiry$/, async ctx => {
    const tokens = await invalidTokens(sys, await validToken())
    ctx.auths = [...Object.values(tokens).map(t => `Bearer ${t}`), `Basic ${Buffer.from('alipay:x').toString('base64')}`, 'Bearer', '']
  }],
  [/^the header "Authorization" is not sent$/, ctx => { delete ctx.headers.authorization }],
  [/^the header "Authorization" is set to an access token without the required scope$/, async ctx => {
    ctx.auths = [
      `Bearer ${await mintToken(sys, { scope: 'number-verification:verify' })}`,
      `Bearer ${await mintToken(sys, { scope: 'number-recycling:checks number-recycling' })}`,
      // a token of ours for another API (audience) is refused the same way
      `Bearer ${await mintToken(sys, { aud: 'https://api.example.com/number-recycling' })}`
    ]
  }],
  [/^the header "Authorization" is set to a valid access (?:token )?which does not identify a single phone number$/, async ctx => { ctx.headers.authorization = `Bearer ${await validToken()}` }],
  [/^the header "Authorization" is set to a valid access token identifying a phone number$/, async ctx => {
    // three-legged tokens name their subject; our endpoint issues none yet, the check still honours one
    ctx.headers.authorization = `Bearer ${await mintToken(sys, { phone_number: e164(LINKED) })}`
  }],

  // the request
  [/^(?:the HTTP "POST" request|the request "checkNumberRecycling") is sent$/, async ctx => {
    for (const auth of ctx.auths ?? [ctx.headers.authorization]) {
      for (const body of ctx.bodies ?? [ctx.body]) {
        const headers = { ...ctx.headers }
        if (auth === undefined) delete headers.authorization
        else headers.authorization = auth
        const res = await fetch(sys.url + ctx.path, {
          method: 'POST',
          headers,
          body: body === NO_BODY ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
        })
        const text = await res.text()
        let parsed: unknown
        try { parsed = JSON.parse(text) } catch { parsed = text }
        ctx.replies.push({ status: res.status, contentType: res.headers.get('content-type') ?? '', correlator: res.headers.get('x-correlator'), body: parsed, sentCorrelator: headers['x-correlator'] })
      }
    }
  }],

  // the answer (every reply, when several were sent)
  [/^the response status code is "?(\d{3})"?$/, (ctx, status) => { for (const r of ctx.replies) expect([r.status, r.body]).toEqual([Number(status), expect.anything()]) }],
  [/^the response header "Content-Type" is "application\/json"$/, ctx => { for (const r of ctx.replies) expect(r.contentType.split(';')[0]).toBe('application/json') }],
  [/^the response header "x-correlator" has same value as the request header "x-correlator"$/, ctx => { for (const r of ctx.replies) expect(r.correlator).toBe(r.sentCorrelator) }],
  [/^the response body complies with the OAS schema at "(.+)"$/, (ctx, pointer) => { for (const r of ctx.replies) expect(compliesWith(pointer!, r.body)).toBe(true) }],
  [/^the value of response property "\$\.phoneNumberRecycled" is (true|false)$/, (ctx, value) => { for (const r of ctx.replies) expect(r.body.phoneNumberRecycled).toBe(value === 'true') }],
  [/^the response property "\$\.status" is (\d{3})$/, (ctx, status) => { for (const r of ctx.replies) expect(r.body.status).toBe(Number(status)) }],
  [/^the response property "\$\.code" is "([A-Z_]+)"$/, (ctx, code) => { for (const r of ctx.replies) expect(r.body.code).toBe(code) }],
  [/^the response property "\$\.message" contains a user friendly text$/, ctx => {
    for (const r of ctx.replies) {
      expect(typeof r.body.message).toBe('string')
      expect(r.body.message.length).toBeGreaterThan(4)
      // words for a person: no stack, no echo of what was sent
      expect(r.body.message).not.toMatch(/\bat \w|Error:|\n|\+86\d|\d{11}/)
      // every error answer is CAMARA's ErrorInfo, with the correlator sent
      expect(compliesWith('/components/schemas/ErrorInfo', r.body)).toBe(true)
      expect(r.correlator).toBe(r.sentCorrelator)
    }
  }]
]

test('the feature file holds CAMARA\'s 15 scenarios', () => {
  expect(feature.name).toMatch(/^CAMARA Number Recycling API, v0\.2\.0/)
  expect(feature.scenarios).toHaveLength(15)
})

describe.each(feature.scenarios.map(s => [s.tag, s] as const))('%s', (_tag, scenario) => {
  test(scenario.name, async () => {
    const ctx: Ctx = { path: '', headers: {}, body: {}, replies: [] }
    await runSteps(ctx, [...feature.background, ...scenario.steps], steps)
    expect(ctx.replies.length).toBeGreaterThan(0)
  })
})
