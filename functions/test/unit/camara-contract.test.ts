// Our CAMARA Number Recycling contract against CAMARA's own definition (r2.2, copied in
// test/fixtures/camara): the same schemas by name and shape, the same answers to the same
// inputs (CAMARA's JSON Schema, our generated one, and our zod), the same path, security, status
// codes and error codes, and the x-correlator header.
import Ajv2020 from 'ajv/dist/2020'
import fc from 'fast-check'
import { camaraApiDocument } from '../../src/contract/openapi/camara-api'
import { CheckNumRecyclingInfo, CreateCheckNumRecycling, ErrorInfo, PhoneNumber, XCorrelator, CAMARA_ERROR_CODES } from '../../src/contract/camara'
import { CAMARA_DOC, compliesWith } from '../support/camara'

const ours = camaraApiDocument() as any
const ajv = new Ajv2020({ strict: false })
const oursSchema = (name: string) => ajv.compile(ours.components.schemas[name])

/** CAMARA's schema with its $refs (to its own components) and allOf resolved */
function resolved (node: any): any {
  if (Array.isArray(node)) return node.map(resolved)
  if (!node || typeof node !== 'object') return node
  if (node.$ref) return resolved(node.$ref.slice(2).split('/').reduce((at: any, key: string) => at[key], CAMARA_DOC))
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolved(v)]))
}

/** the shape that matters for a client: type, required, properties and their type/pattern/format */
function shape (schema: any): unknown {
  if (schema.type === 'object') {
    return { type: 'object', required: [...(schema.required ?? [])].sort(), properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, shape(v)])) }
  }
  return { type: schema.type, ...(schema.pattern && schema.format !== 'date' && { pattern: schema.pattern }), ...(schema.format && { format: schema.format }) }
}

test.each(['CreateCheckNumRecycling', 'CheckNumRecyclingInfo', 'ErrorInfo'])('%s has CAMARA\'s shape', name => {
  expect(shape(ours.components.schemas[name])).toEqual(shape(resolved(CAMARA_DOC.components.schemas[name])))
})

test('PhoneNumber and XCorrelator patterns are CAMARA\'s own', () => {
  expect(ours.components.schemas.CreateCheckNumRecycling.properties.phoneNumber.pattern).toBe(CAMARA_DOC.components.schemas.PhoneNumber.pattern)
  expect(ours.paths['/number-recycling/v0.2/check'].post.parameters.find((p: any) => p.name === 'x-correlator').schema.pattern)
    .toBe(CAMARA_DOC.components.schemas.XCorrelator.pattern)
})

const date = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map(d => d.toISOString().slice(0, 10)),
  fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.string({ maxLength: 12 })
)
const phone = fc.oneof(fc.stringMatching(/^\+[1-9][0-9]{4,14}$/), fc.stringMatching(/^\+?[0-9 -]{0,17}$/), fc.string({ maxLength: 18 }))

test('a request body: CAMARA\'s schema, our generated schema and our zod agree', () => {
  const generated = oursSchema('CreateCheckNumRecycling')
  fc.assert(fc.property(fc.record({ phoneNumber: phone, specifiedDate: date }, { requiredKeys: [] }), fc.option(fc.anything(), { freq: 5 }), (body, extra) => {
    const value = extra === null ? body : { ...body, extra }
    const camara = compliesWith('/components/schemas/CreateCheckNumRecycling', value)
    expect([value, generated(value), CreateCheckNumRecycling.safeParse(value).success]).toEqual([value, camara, camara])
  }), { numRuns: 2000 })
  for (const v of [null, [], 'x', 1, { specifiedDate: '2024-02-29' }, { specifiedDate: '2023-02-29' }, { specifiedDate: '2024-10-31', phoneNumber: 8613800005551 }]) {
    const camara = compliesWith('/components/schemas/CreateCheckNumRecycling', v)
    expect([v, generated(v), CreateCheckNumRecycling.safeParse(v).success]).toEqual([v, camara, camara])
  }
})

test('PhoneNumber and XCorrelator: our zod accepts exactly what CAMARA does', () => {
  fc.assert(fc.property(phone, p => { expect([p, PhoneNumber.safeParse(p).success]).toEqual([p, compliesWith('/components/schemas/PhoneNumber', p)]) }), { numRuns: 2000 })
  fc.assert(fc.property(fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }), fc.stringMatching(/^[a-zA-Z0-9-_:;./<>{}]{0,300}$/)), c => {
    expect([c, XCorrelator.safeParse(c).success]).toEqual([c, compliesWith('/components/schemas/XCorrelator', c)])
  }), { numRuns: 2000 })
})

test('what we answer complies with CAMARA\'s response schemas', () => {
  for (const v of [{ phoneNumberRecycled: true }, { phoneNumberRecycled: false }]) {
    expect(CheckNumRecyclingInfo.parse(v)).toEqual(v)
    expect(compliesWith('/components/schemas/CheckNumRecyclingInfo', v)).toBe(true)
  }
  expect(compliesWith('/components/schemas/CheckNumRecyclingInfo', { phoneNumberRecycled: 'true' })).toBe(false)
  const error = { status: 404, code: 'IDENTIFIER_NOT_FOUND', message: '没有该号码在指定日期以来的记录' }
  expect([ErrorInfo.safeParse(error).success, compliesWith('/components/schemas/ErrorInfo', error)]).toEqual([true, true])
})

test('the operation: CAMARA\'s path under its server, its operationId, its scope through openIdConnect, its statuses', () => {
  const camaraOp = CAMARA_DOC.paths['/check'].post
  const base = new URL(CAMARA_DOC.servers[0].url.replace('{apiRoot}', 'http://x')).pathname
  const op = ours.paths[`${base}/check`].post
  expect(op.operationId).toBe(camaraOp.operationId)
  expect(op.security).toEqual(camaraOp.security)
  const scheme = Object.keys(camaraOp.security[0])[0]!
  expect(ours.components.securitySchemes[scheme]).toMatchObject({ type: CAMARA_DOC.components.securitySchemes[scheme].type, openIdConnectUrl: '/.well-known/openid-configuration' })
  for (const status of Object.keys(camaraOp.responses)) expect(Object.keys(op.responses)).toContain(status)
  expect(op.requestBody.required).toBe(camaraOp.requestBody.required)
  expect(op.parameters.map((p: any) => [p.name, p.in])).toEqual([['x-correlator', 'header']])
})

test('every error code we answer with is CAMARA\'s for that status (429 and 503 come from CAMARA_common)', () => {
  const byStatus: Record<string, string[]> = {}
  for (const [status, response] of Object.entries(CAMARA_DOC.components.responses) as [string, any][]) {
    if (!/^Generic4/.test(status)) continue
    byStatus[status.slice(7)] = resolved(response).content['application/json'].schema.allOf[1].properties.code.enum
  }
  const ourCodes: Record<string, string[]> = {
    400: ['INVALID_ARGUMENT', 'OUT_OF_RANGE'], 401: ['UNAUTHENTICATED'], 403: ['PERMISSION_DENIED'], 404: ['IDENTIFIER_NOT_FOUND'],
    422: ['SERVICE_NOT_APPLICABLE', 'MISSING_IDENTIFIER', 'UNNECESSARY_IDENTIFIER']
  }
  for (const [status, codes] of Object.entries(ourCodes)) for (const code of codes) expect([status, byStatus[status]]).toEqual([status, expect.arrayContaining([code])])
  expect([...CAMARA_ERROR_CODES].sort()).toEqual([...Object.values(ourCodes).flat(), 'TOO_MANY_REQUESTS', 'UNAVAILABLE'].sort())
})
