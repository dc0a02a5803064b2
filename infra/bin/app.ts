// One stage per invocation: `cdk synth|deploy -c stage=prod -c enterpriseEndpointTemplate=…`.
import * as cdk from 'aws-cdk-lib'
import { resolveConfig } from '../lib/config'
import { YztStack } from '../lib/yzt-stack'

const app = new cdk.App()
const config = resolveConfig(key => app.node.tryGetContext(key))
new YztStack(app, `yzt-${config.stage}`, {
  config,
  // unset offline: the stack stays environment-agnostic, so synth needs no AWS account
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `一证通查 back end (${config.stage})`
})
