import type { DynamoLocal } from '../../src/local/dynamo-local'
import { checkLogCapture } from './log-privacy'

export default async function globalTeardown (): Promise<void> {
  const dynamo = (globalThis as { __DYNAMO__?: DynamoLocal }).__DYNAMO__
  try {
    await dynamo?.stop()
  } finally {
    // last thing in the run: a leak throws here, and jest exits non-zero
    console.log(`\n[logs] ${checkLogCapture()}`)
  }
}
