import { startDynamoLocal } from '../src/local/dynamo-local'
import { dynamoCeiling } from './dynamo-ceiling'
import { logger } from '../src/lib/logger'
logger.setLogLevel('ERROR')
async function main () {
  const d = await startDynamoLocal()
  try {
    for (const c of [4, 16]) {
      const t = Date.now()
      console.log(c, await dynamoCeiling(d.endpoint, { seconds: 4, concurrency: c, phones: 400, pollsPerFlow: 2 }), Date.now() - t)
    }
  } finally { await d.stop() }
}
main()
