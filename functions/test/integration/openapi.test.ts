// The OpenAPI documents: generated from the zod schemas, valid OpenAPI 3.1, in step with the route
// table, committed in docs/openapi/ as generated, and served at GET /v1/openapi.json.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import Ajv2020 from 'ajv/dist/2020'
import { enterpriseApiDocument, ACCOUNT_COUNTS_PATH } from '../../src/contract/openapi/enterprise-api'
import { OPERATIONS, publicApiDocument } from '../../src/contract/openapi/public-api'
import { CAMARA_OPERATIONS, camaraApiDocument } from '../../src/contract/openapi/camara-api'
import { AccountCountAnswer } from '../../src/contract/enterprise'
import { SubmitQueryRequest } from '../../src/contract/index'
import { MOCK_ENTERPRISE_ROUTE, ROUTES } from '../../src/infra-shared/routes'
import { OPENAPI_DIR, openApiFiles } from '../../scripts/openapi'
import { call, startTestSystem } from '../support/harness'

const VALIDATE = path.resolve(__dirname, '../../../node_modules/.bin/validate-api')

function validateOpenApi (doc: unknown): { valid: boolean } {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'))
  try {
    writeFileSync(path.join(dir, 'doc.json'), JSON.stringify(doc))
    try {
      return JSON.parse(execFileSync(VALIDATE, [path.join(dir, 'doc.json')], { encoding: 'utf8' }))
    } catch (err) {
      return JSON.parse((err as { stdout: string }).stdout)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test.each([
  ['public', publicApiDocument],
  ['enterprise', enterpriseApiDocument],
  ['CAMARA number recycling', camaraApiDocument]
])('the %s document is valid OpenAPI 3.1', (_name, build) => {
  const doc = build()
  expect(doc.openapi).toBe('3.1.0')
  expect(validateOpenApi(doc)).toEqual({ valid: true })
  // the validator does refuse a broken document
  expect(validateOpenApi({ ...doc, info: undefined }).valid).toBe(false)
})

test('docs/openapi/ holds exactly what the schemas generate (run `npm run openapi` after a contract change)', () => {
  for (const [name, text] of Object.entries(openApiFiles())) {
    expect(readFileSync(path.join(OPENAPI_DIR, name), 'utf8')).toBe(text)
  }
})

test('every route of the API is in the document, and nothing else', () => {
  // the CAMARA API and its OAuth server have a document of their own
  const documented = [...OPERATIONS, ...CAMARA_OPERATIONS].map(op => `${op.method.toUpperCase()} ${op.path}`).sort()
  expect(documented).toEqual(ROUTES.map(r => `${r.method} ${r.path}`).sort())
  // one operation per route (a function may serve several routes); operation ids are unique
  const ids = [...OPERATIONS, ...CAMARA_OPERATIONS].map(op => op.operationId)
  expect(new Set(ids).size).toBe(ids.length)
  expect(ACCOUNT_COUNTS_PATH).toBe(MOCK_ENTERPRISE_ROUTE.path)
})

test('the enterprise document states the signing scheme: headers, what is signed, timestamps, answer signing', () => {
  const doc = enterpriseApiDocument() as any
  const text = doc.info.description as string
  for (const phrase of ['x-yzt-timestamp', 'x-yzt-signature', 'timestamp + "\\n" + body', '"answer\\n" + requestId + "\\n" + body', '5 minutes', 'requestId']) {
    expect(text).toContain(phrase)
  }
  const op = doc.paths[ACCOUNT_COUNTS_PATH].post
  expect(op.parameters.filter((p: any) => p.in === 'header').map((p: any) => p.name)).toEqual(['x-yzt-timestamp', 'x-yzt-signature'])
  expect(Object.keys(op.responses['200'].headers)).toEqual(['x-yzt-signature'])
})

test('the generated JSON Schemas accept and refuse what zod does', () => {
  const ajv = new Ajv2020({ strict: false })
  const pub = publicApiDocument() as any
  const ent = enterpriseApiDocument() as any
  const submit = ajv.compile(pub.components.schemas.SubmitQueryRequest)
  const answer = ajv.compile(ent.components.schemas.AccountCountAnswer)
  const good = { phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true }
  for (const body of [good, { ...good, extra: 1 }, { ...good, consent: false }, { phone: '138' }]) {
    expect([body, submit(body)]).toEqual([body, SubmitQueryRequest.safeParse(body).success])
  }
  for (const body of [{ accounts: { qq: 1 } }, { accounts: { qq: -1 } }, { accounts: { qq: 1.5 } }, { accounts: 'x' }]) {
    expect([body, answer(body)]).toEqual([body, AccountCountAnswer.safeParse(body).success])
  }
})

test('GET /v1/openapi.json serves the public document on the running system', async () => {
  const sys = await startTestSystem()
  try {
    const res = await call(sys.url, 'GET', '/v1/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.body).toEqual(publicApiDocument())
  } finally {
    await sys.stop()
  }
})
