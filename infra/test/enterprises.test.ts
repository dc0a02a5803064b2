// Enterprises are deploy-time configuration in AWS AppConfig: a ninth enterprise at its own host, or
// 200 apps, changes the hosted configuration version and nothing else — every function, its code and
// its permissions stay the same — and a version that fails the generated JSON schema never deploys.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import Ajv from 'ajv'
import { FUNCTIONS } from '@yzt/functions/infra-shared/functions'
import { catalogue } from '@yzt/functions/catalogue'
import { generateCatalogue } from '@yzt/functions/scripts/generate-catalogue'
// a ninth enterprise, shared with functions/test/integration/enterprise-config.test.ts
import PDD from '@yzt/functions/fixtures/ninth-enterprise'
import { resolveConfig } from '../lib/config'
import { PROD_ENDPOINTS, resourcesOfType, synth, type Resource, type Synthesized } from './support/synth'

const PDD_URL = 'https://connector.pinduoduo.example/yzt/account-counts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-enterprises-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
function documentFile (doc: unknown): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
  fs.writeFileSync(file, JSON.stringify(doc))
  return file
}
const nine = documentFile({ enterprises: [...catalogue.enterprises, PDD], endpoints: { pdd: PDD_URL } })

const only = (s: Synthesized, type: string): [string, Resource] => {
  const found = resourcesOfType(s, type)
  expect(found).toHaveLength(1)
  return found[0]!
}
const version = (s: Synthesized) => only(s, 'AWS::AppConfig::HostedConfigurationVersion')
/** the version's content with the mocked enterprises' URL (a token) left as a marker */
const documentOf = (s: Synthesized) => {
  const value = version(s)[1].Properties.Content
  return JSON.parse(typeof value === 'string' ? value : value['Fn::Join'][1].map((p: unknown) => typeof p === 'string' ? p : 'https://mock').join(''))
}
/** the JSON schema AppConfig validates every version against */
const validatorOf = (s: Synthesized) => {
  const validators = only(s, 'AWS::AppConfig::ConfigurationProfile')[1].Properties.Validators as { Type: string, Content: string }[]
  expect(validators.map(v => v.Type)).toEqual(['JSON_SCHEMA'])
  const schema = JSON.parse(validators[0]!.Content)
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#')
  // ajv speaks draft-07 and later; the keywords zod emits for this document mean the same in draft 4
  delete schema.$schema
  return new Ajv({ strict: false, allErrors: true }).compile(schema)
}
const withoutVersion = (s: Synthesized) => Object.fromEntries(Object.entries(s.json.Resources).filter(([id]) => id !== version(s)[0] && s.json.Resources[id]!.Type !== 'AWS::AppConfig::Deployment'))

describe('a ninth enterprise at its own host', () => {
  const eight = synth()
  const nineDev = synth({ enterprisesFile: nine })

  test('is in the configuration version the functions read, with its own endpoint beside the template for the rest', () => {
    const doc = documentOf(nineDev)
    expect(doc.enterprises.map((e: { id: string }) => e.id)).toEqual([...catalogue.enterprises.map(e => e.id), 'pdd'])
    expect(doc.endpoints).toEqual({ pdd: PDD_URL })
    expect(doc.endpointTemplate).toBe('https://mock/enterprises/{id}/account-counts')
    expect(documentOf(eight).enterprises).toHaveLength(8)
  })

  test('changes that version, its deployment and its monitoring only: same functions, same code, same permissions', () => {
    const before = withoutVersion(eight)
    const after = withoutVersion(nineDev)
    const changed = Object.keys(after).filter(id => JSON.stringify(after[id]) !== JSON.stringify(before[id]))
    expect(changed.map(id => after[id]!.Type).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard'])
    expect(Object.keys(before).filter(id => !(id in after))).toEqual([])
    for (const [, fn] of resourcesOfType(nineDev, 'AWS::Lambda::Function')) expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/)
    expect(version(nineDev)[1].Properties.Content).not.toEqual(version(eight)[1].Properties.Content)
  })

  test('the readers get where it is and read access to that one profile alone', () => {
    const readers = Object.entries(FUNCTIONS).filter(([, def]) => 'readsEnterprises' in def).map(([name]) => name)
    expect(readers.sort()).toEqual([
      'bindingEvents', 'bindingSubscriptions', 'camaraNumberRecycling', 'carrierEvents', 'createCase', 'dispatchSms', 'disputeCallback', 'forwardDispute',
      'lifecycleSweep', 'listEnterprises', 'noticeCallback', 'notifyEnterprises', 'oauthServer', 'platformChecks', 'processQuery', 'queryDetails',
      'sendBindingAlerts', 'setBindingAlerts', 'sweepBindingAlerts', 'sweepCases'
    ])
    const [profileId] = only(eight, 'AWS::AppConfig::ConfigurationProfile')
    const grants = resourcesOfType(eight, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => JSON.stringify(st.Action).includes('appconfig:'))
    expect(grants.length).toBe(readers.length)
    for (const st of grants) {
      expect([st.Action].flat().sort()).toEqual(['appconfig:GetLatestConfiguration', 'appconfig:StartConfigurationSession'])
      expect(JSON.stringify(st.Resource)).toContain(profileId)
    }
  })

  test('is deployed by the stack’s own strategy: gradual, then baked', () => {
    const [strategyId, strategy] = only(eight, 'AWS::AppConfig::DeploymentStrategy')
    expect(strategy.Properties).toMatchObject({ GrowthType: 'LINEAR', GrowthFactor: 50, DeploymentDurationInMinutes: 1, FinalBakeTimeInMinutes: 2 })
    const [, deployment] = only(eight, 'AWS::AppConfig::Deployment')
    expect(deployment.Properties.DeploymentStrategyId).toEqual({ Ref: strategyId })
    expect(deployment.Properties.ConfigurationVersion).toEqual({ Ref: version(eight)[0] })
  })
})

describe('national scale: 60 enterprises, 200 apps', () => {
  const big = generateCatalogue(60, 200)
  const bigDev = synth({ enterprisesFile: documentFile(big) })

  test('the 200-app document synthesizes whole (it is far past the 8 KB an SSM parameter held)', () => {
    const doc = documentOf(bigDev)
    expect(doc.enterprises).toHaveLength(60)
    expect(doc.enterprises.flatMap((e: { apps: unknown[] }) => e.apps)).toHaveLength(200)
    expect(Buffer.byteLength(JSON.stringify(doc))).toBeGreaterThan(8192)
  })

  test('the generated JSON schema takes that document and refuses broken ones before any function sees them', () => {
    const validate = validatorOf(bigDev)
    expect(validate(documentOf(bigDev))).toBe(true)
    expect(validate({ ...big, enterprises: [{ ...big.enterprises[0], paused: true }] })).toBe(true)
    const broken: unknown[] = [
      { ...big, extra: 1 },
      { enterprises: [{ ...big.enterprises[0], apps: [{ id: 'x' }] }] },
      { enterprises: [{ ...big.enterprises[0], accountMode: 'shared?' }] },
      { enterprises: [{ ...big.enterprises[0], paused: 'yes' }] },
      { enterprises: [{ ...big.enterprises[0], apps: [{ id: 'app-1', label: '某某账号' }] }] },
      { enterprises: [{ ...big.enterprises[0], guide: undefined }] },
      { enterprises: big.enterprises, endpointTemplate: 'https://no-placeholder.example' },
      { enterprises: 'none' }
    ]
    for (const doc of broken) expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(false)
  })

  test('the stack refuses to synthesize a document its own schema refuses', () => {
    expect(() => synth({ enterprisesFile: documentFile({ enterprises: [{ ...big.enterprises[0], paused: 'yes' }] }) })).toThrow()
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

  test('the document and the template reach the configuration version as given', () => {
    const prod = synth({ stage: 'prod', enterprisesFile: nine, enterpriseEndpointTemplate: PROD_ENDPOINTS })
    expect(documentOf(prod)).toEqual({ enterprises: [...catalogue.enterprises, PDD], endpoints: { pdd: PDD_URL }, endpointTemplate: PROD_ENDPOINTS })
  })
})
