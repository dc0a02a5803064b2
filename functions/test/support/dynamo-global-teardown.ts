import type { DynamoLocal } from '../../src/local/dynamo-local'

export default async function globalTeardown (): Promise<void> {
  const dynamo = (globalThis as { __DYNAMO__?: DynamoLocal }).__DYNAMO__
  await dynamo?.stop()
}
