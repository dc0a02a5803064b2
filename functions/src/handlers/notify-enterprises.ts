import { runtime, type Runtime } from '#adapters/runtime'
import { deliverNotice } from '#domain/lifecycle'
import { logger } from '#lib/logger'
import { insertedKeys } from '#lib/stream'

export const makeHandler = (rt: () => Promise<Runtime>) => insertedKeys(async pk => {
  const [noticeId = '', enterpriseId = ''] = pk.split('#')
  const outcome = await deliverNotice(await rt(), noticeId, enterpriseId)
  logger.info('release notice', { noticeId, enterpriseId, outcome })
})

export const handler = makeHandler(runtime)
