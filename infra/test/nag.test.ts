// cdk-nag's AwsSolutions pack over both stages: every finding is fixed in the stack or acknowledged in
// lib/nag-acknowledgements.ts with a written reason. Any other finding fails the synth, and this test.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as cdk from 'aws-cdk-lib'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import { AwsSolutionsChecks } from 'cdk-nag'
import { resolveConfig } from '../lib/config'
import { YztStack } from '../lib/yzt-stack'
import { bundlesDir, PROD_ENDPOINTS, SECRETS_PARAMETER } from './support/synth'

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../cdk.json'), 'utf8'))
const outdirs: string[] = []
afterAll(() => { for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true }) })

interface Violation { ruleName: string, violatingConstructs: { constructPath: string }[] }

/** the unacknowledged findings: [] when the synth passes the AwsSolutions checks */
function findings (context: Record<string, string>): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-nag-'))
  outdirs.push(outdir)
  const app = new cdk.App({ outdir, context: { ...cdkJson.context, secretsParameter: SECRETS_PARAMETER, ...context } })
  const config = resolveConfig(key => app.node.tryGetContext(key))
  new YztStack(app, `yzt-${config.stage}`, { config, bundlesDir: bundlesDir() })
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  try {
    app.synth()
    return []
  } catch (err) {
    const report = path.join(outdir, 'validation-report.json')
    if (!fs.existsSync(report)) throw err
    const { pluginReports } = JSON.parse(fs.readFileSync(report, 'utf8')) as { pluginReports: { violations: Violation[] }[] }
    return pluginReports.flatMap(r => r.violations).flatMap(v => v.violatingConstructs.map(c => `${v.ruleName} at ${c.constructPath}`))
  }
}

test.each([
  ['dev', {}],
  ['prod', { stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS }],
  ['prod with reserved concurrency off and a KMS key', { stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS, reservedConcurrency: 'false', secretsKmsKeyArn: 'arn:aws:kms:ap-east-1:111122223333:key/abc' }]
] as const)('%s: every AwsSolutions finding is fixed or acknowledged with a reason', (_, context) => {
  expect(findings(context)).toEqual([])
})

test('the check can fail: a finding nobody acknowledged is reported', () => {
  const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-nag-')) })
  outdirs.push(app.outdir)
  const stack = new cdk.Stack(app, 'bare')
  new sqs.Queue(stack, 'Plain')
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/)
})
