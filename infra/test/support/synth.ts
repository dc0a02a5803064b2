import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as cdk from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { resolveConfig } from '../../lib/config'
import { YztStack } from '../../lib/yzt-stack'

// the feature flags `cdk synth` runs with, so the tests see the template a deploy would
const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cdk.json'), 'utf8'))

export const SECRETS_PARAMETER = '/yzt/test/secrets'
export const PROD_ENDPOINTS = 'https://partner.example.com/enterprises/{id}/account-counts'

export function bundlesDir (): string {
  const dir = process.env.YZT_TEST_BUNDLES_DIR
  if (!dir) throw new Error('YZT_TEST_BUNDLES_DIR unset: run through jest (infra/jest.config.js globalSetup)')
  return dir
}

export interface Synthesized {
  stack: YztStack
  template: Template
  json: { Resources: Record<string, Resource>, Outputs: Record<string, { Value: unknown }> }
  /** the cloud assembly folder: staged assets live here */
  outdir: string
}

export interface Resource {
  Type: string
  Properties: Record<string, any>
  Metadata?: Record<string, any>
  DeletionPolicy?: string
  UpdateReplacePolicy?: string
}

const outdirs: string[] = []
afterAll(() => { for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }) })

export function synth (context: Record<string, string> = {}): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-cdk-out-'))
  outdirs.push(outdir)
  const app = new cdk.App({
    outdir,
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true, secretsParameter: SECRETS_PARAMETER, ...context }
  })
  const config = resolveConfig(key => app.node.tryGetContext(key))
  const stack = new YztStack(app, `yzt-${config.stage}`, { config, bundlesDir: bundlesDir() })
  const template = Template.fromStack(stack)
  return { stack, template, json: template.toJSON() as Synthesized['json'], outdir }
}

export function resourcesOfType (s: Synthesized, type: string): [string, Resource][] {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type)
}

/** logical id of the Lambda function deployed for a FUNCTIONS entry */
export function functionId (s: Synthesized, name: string): string {
  const found = resourcesOfType(s, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.FunctionName === `${s.stack.stackName}-${name}`)
  if (found.length !== 1) throw new Error(`expected one function ${name}, found ${found.length}`)
  return found[0]![0]
}

export function logicalId (s: Synthesized, construct: cdk.IResource): string {
  return s.stack.getLogicalId(construct.node.defaultChild as cdk.CfnElement)
}
