// The enterprise configuration (catalogue and endpoints) as one SSM parameter that the functions read
// at run time with an age cache: adding an enterprise, or moving one to its own host, changes this
// parameter and nothing else — no bundle is rebuilt, no function is replaced.
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as ssm from 'aws-cdk-lib/aws-ssm'
import { Construct } from 'constructs'
import type { EnterpriseDocument } from '@yzt/functions/adapters/enterprise-config'

/** SSM's limits: 4 KB for a standard parameter, 8 KB for an advanced one */
const STANDARD_MAX_BYTES = 4096
const ADVANCED_MAX_BYTES = 8192
/** a token (the mocked enterprises' URL) resolves to a longer string than it is at synth time */
const TOKEN_MARGIN_BYTES = 256

export interface EnterpriseConfigurationProps {
  readonly parameterName: string
  readonly document: EnterpriseDocument
}

export class EnterpriseConfiguration extends Construct {
  readonly parameter: ssm.StringParameter

  constructor (scope: Construct, id: string, props: EnterpriseConfigurationProps) {
    super(scope, id)
    const value = JSON.stringify(props.document)
    const bytes = Buffer.byteLength(value, 'utf8') + TOKEN_MARGIN_BYTES
    if (bytes > ADVANCED_MAX_BYTES) {
      throw new Error(`the enterprise configuration is ${bytes} bytes; an SSM parameter holds ${ADVANCED_MAX_BYTES} (move it to an S3 object)`)
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName,
      description: '一证通查: the enterprises (GET /v1/enterprises) and where each one answers',
      stringValue: value,
      tier: bytes > STANDARD_MAX_BYTES ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD
    })
  }

  /** the function learns the parameter's name (ENTERPRISES_PARAMETER) and may get that parameter */
  grantTo (fn: lambda.Function): void {
    fn.addEnvironment('ENTERPRISES_PARAMETER', this.parameter.parameterName)
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.parameter.parameterArn] }))
  }
}
