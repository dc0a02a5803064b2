// Enterprises are deploy-time configuration: a ninth enterprise at its own host changes the
// enterprise parameter and nothing else — every function, its code and its permissions stay the same.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { FUNCTIONS } from '@yzt/functions/infra-shared/functions'
import { catalogue } from '@yzt/functions/catalogue'
// a ninth enterprise, shared with functions/test/integration/enterprise-config.test.ts
import PDD from '@yzt/functions/fixtures/ninth-enterprise'
import { resolveConfig } from '../lib/config'
import { logicalId, PROD_ENDPOINTS, resourcesOfType, synth, type Synthesized } from './support/synth'

const PDD_URL = 'https://connector.pinduoduo.example/yzt/account-counts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-enterprises-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
function documentFile (doc: unknown): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
  fs.writeFileSync(file, JSON.stringify(doc))
  return file
}
const nine = documentFile({ enterprises: [...catalogue.enterprises, PDD], endpoints: { pdd: PDD_URL } })

const parameter = (s: Synthesized) => s.json.Resources[logicalId(s, s.stack.enterprises.parameter)]!
/** the parameter's value with the mocked enterprises' URL (a token) left as a marker */
const documentOf = (s: Synthesized) => {
  const value = parameter(s).Properties.Value
  return JSON.parse(typeof value === 'string' ? value : value['Fn::Join'][1].map((p: unknown) => typeof p === 'string' ? p : 'https://mock').join(''))
}
const withoutParameter = (s: Synthesized) => Object.fromEntries(Object.entries(s.json.Resources).filter(([id]) => id !== logicalId(s, s.stack.enterprises.parameter)))

describe('a ninth enterprise at its own host', () => {
  const eight = synth()
  const nineDev = synth({ enterprisesFile: nine })

  test('is in the parameter the functions read, with its own endpoint beside the template for the rest', () => {
    const doc = documentOf(nineDev)
    expect(doc.enterprises.map((e: { id: string }) => e.id)).toEqual([...catalogue.enterprises.map(e => e.id), 'pdd'])
    expect(doc.endpoints).toEqual({ pdd: PDD_URL })
    expect(doc.endpointTemplate).toBe('https://mock/enterprises/{id}/account-counts')
    expect(documentOf(eight).enterprises).toHaveLength(8)
  })

  test('changes that parameter and its monitoring only: same functions, same code, same permissions', () => {
    const before = withoutParameter(eight)
    const after = withoutParameter(nineDev)
    const changed = Object.keys(after).filter(id => JSON.stringify(after[id]) !== JSON.stringify(before[id]))
    expect(changed.map(id => after[id]!.Type).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard'])
    expect(changed.filter(id => after[id]!.Type === 'AWS::CloudWatch::Alarm').map(id => after[id]!.Properties.AlarmName).sort()).toEqual([
      'yzt-dev-enterprise-pdd-cases-overdue', 'yzt-dev-enterprise-pdd-disputes-deferred', 'yzt-dev-enterprise-pdd-unavailable'
    ])
    expect(Object.keys(before).filter(id => !(id in after))).toEqual([])
    for (const [, fn] of resourcesOfType(nineDev, 'AWS::Lambda::Function')) expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/)
    expect(parameter(nineDev).Properties.Value).not.toEqual(parameter(eight).Properties.Value)
  })

  test('the readers get its name and read access to it alone', () => {
    const readers = Object.entries(FUNCTIONS).filter(([, def]) => 'readsEnterprises' in def).map(([name]) => name)
    expect(readers.sort()).toEqual([
      'carrierEvents', 'createCase', 'dispatchSms', 'disputeCallback', 'forwardDispute', 'lifecycleSweep', 'listEnterprises', 'noticeCallback',
      'notifyEnterprises', 'platformChecks', 'processQuery', 'queryDetails', 'sweepCases'
    ])
    const paramId = logicalId(eight, eight.stack.enterprises.parameter)
    const grants = resourcesOfType(eight, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Resource?: unknown }) => JSON.stringify(st.Resource ?? '').includes(paramId))
    expect(grants.length).toBe(readers.length)
    for (const st of grants) expect([st.Action].flat()).toEqual(expect.arrayContaining(['ssm:GetParameter']))
  })

  test('an advanced-tier parameter: the catalogue is more than the 4 KB of a standard one', () => {
    expect(parameter(eight).Properties.Tier).toBe('Advanced')
  })
})

describe('prod without mocks', () => {
  const from = (ctx: Record<string, string>) => resolveConfig(key => ({ stage: 'prod', ...ctx })[key])

  test('every enterprise needs an https endpoint: from the template, or named in the document', () => {
    expect(() => from({ enterprisesFile: nine })).toThrow(/no endpoint for alibaba/)
    const named = documentFile({ enterprises: [PDD], endpoints: { pdd: PDD_URL } })
    expect(from({ enterprisesFile: named }).enterprises.enterprises).toHaveLength(1)
    const plain = documentFile({ enterprises: [PDD], endpoints: { pdd: 'http://connector.example/x' } })
    expect(() => from({ enterprisesFile: plain })).toThrow(/endpoint of pdd must be https/)
    expect(() => from({ enterprisesFile: documentFile({ enterprises: [{ ...PDD, apps: 'none' }] }), enterpriseEndpointTemplate: PROD_ENDPOINTS })).toThrow()
  })

  test('the document and the template reach the parameter as given', () => {
    const prod = synth({ stage: 'prod', enterprisesFile: nine, enterpriseEndpointTemplate: PROD_ENDPOINTS })
    expect(documentOf(prod)).toEqual({ enterprises: [...catalogue.enterprises, PDD], endpoints: { pdd: PDD_URL }, endpointTemplate: PROD_ENDPOINTS })
  })
})
