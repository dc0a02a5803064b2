// One DynamoDB Local JVM for the whole jest run; every data test talks to it through
// AWS_ENDPOINT_URL_DYNAMODB (each test file uses its own table prefix).
import { startDynamoLocal } from '../../src/local/dynamo-local'
import { startLogCapture } from './log-privacy'

export default async function globalSetup (): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  // before any worker starts, so every worker inherits the capture folder
  startLogCapture()
  const started = Date.now()
  const dynamo = await startDynamoLocal()
  ;(globalThis as { __DYNAMO__?: typeof dynamo }).__DYNAMO__ = dynamo
  // a killed test run must not leave the JVM behind
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => { void dynamo.stop().finally(() => process.exit(1)) })
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_DEV: 'true'
  })
  console.log(`\n[dynamo] DynamoDB Local pid ${dynamo.pid} on ${dynamo.endpoint} in ${Date.now() - started} ms`)
}
