// The enterprise configuration (catalogue, endpoints, guides, paused enterprises) as AWS AppConfig
// hosted configuration that the functions read at run time with an age cache (≤ 60 s): adding an
// enterprise, moving one to its own host, pausing or resuming one is a new configuration version and
// nothing else — no bundle is rebuilt, no function is replaced. AppConfig rather than SSM: no 8 KB
// ceiling (hosted configuration takes 2 MB; 200 apps with guides are ~100 KB), every version is checked
// against the JSON schema generated from the functions' zod schema before it can be deployed, and a
// deployment strategy rolls it out (rolled back when a monitor alarm fires, where monitors are given).
import * as appconfig from 'aws-cdk-lib/aws-appconfig'
import * as cdk from 'aws-cdk-lib'
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import { enterpriseDocumentJsonSchema, type EnterpriseDocument } from '@yzt/functions/infra-shared/enterprise-document'

/** AppConfig's hosted configuration store holds up to 2 MB a version; CloudFormation's template body 1 MB */
export const MAX_DOCUMENT_BYTES = 900 * 1024

export interface EnterpriseConfigurationProps {
  /** `yzt-dev`: names the AppConfig application */
  readonly prefix: string
  readonly stage: string
  readonly document: EnterpriseDocument
  /** an alarm in ALARM during a rollout rolls it back */
  readonly monitors?: readonly cloudwatch.IAlarm[]
}

export class EnterpriseConfiguration extends Construct {
  readonly application: appconfig.Application
  readonly environment: appconfig.Environment
  readonly configuration: appconfig.HostedConfiguration
  readonly strategy: appconfig.DeploymentStrategy
  /** the JSON schema every version is validated against (generated from the zod schema) */
  readonly jsonSchema: Record<string, unknown>

  constructor (scope: Construct, id: string, props: EnterpriseConfigurationProps) {
    super(scope, id)
    const stack = cdk.Stack.of(this)
    const value = stack.toJsonString(props.document)
    const bytes = Buffer.byteLength(JSON.stringify(props.document), 'utf8')
    if (bytes > MAX_DOCUMENT_BYTES) throw new Error(`the enterprise configuration is ${bytes} bytes; inline it holds ${MAX_DOCUMENT_BYTES} (move it to an S3 configuration source)`)
    this.jsonSchema = enterpriseDocumentJsonSchema()

    this.application = new appconfig.Application(this, 'Application', {
      applicationName: `${props.prefix}-enterprises`,
      description: '一证通查: the enterprises (GET /v1/enterprises), where each one answers, and which are paused'
    })
    this.environment = new appconfig.Environment(this, 'Environment', {
      application: this.application,
      environmentName: props.stage,
      monitors: (props.monitors ?? []).map(alarm => appconfig.Monitor.fromCloudWatchAlarm(alarm))
    })
    // catalogue changes reach the functions in two steps of half a minute, then bake 2 minutes under the
    // alarms; a pause or resume (npm run enterprise -- pause) deploys with AppConfig.AllAtOnce instead
    this.strategy = new appconfig.DeploymentStrategy(this, 'Strategy', {
      deploymentStrategyName: `${props.prefix}-enterprises`,
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: 50,
        deploymentDuration: cdk.Duration.minutes(1),
        finalBakeTime: cdk.Duration.minutes(2)
      })
    })
    this.configuration = new appconfig.HostedConfiguration(this, 'Document', {
      application: this.application,
      name: 'enterprises',
      description: 'validated against the JSON schema generated from EnterpriseDocument (functions/src/infra-shared/enterprise-document.ts)',
      type: appconfig.ConfigurationType.FREEFORM,
      content: appconfig.ConfigurationContent.fromInlineJson(value),
      validators: [appconfig.JsonSchemaValidator.fromInline(JSON.stringify(this.jsonSchema))],
      deploymentStrategy: this.strategy,
      deployTo: [this.environment]
    })
  }

  /** where the document is: the functions that read it learn these ids (ENTERPRISES_APPCONFIG_*, declared in infra-shared/environment) */
  get location (): { application: string, environment: string, profile: string } {
    return { application: this.application.applicationId, environment: this.environment.environmentId, profile: this.configuration.configurationProfileId }
  }

  /** the function may read that one profile */
  grantTo (fn: lambda.Function): void {
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
      resources: [`${this.environment.environmentArn}/configuration/${this.configuration.configurationProfileId}`]
    }))
  }
}
