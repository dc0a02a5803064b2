// The mocked enterprises deployed as one Lambda behind their own API (dev stages only).
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { catalogue } from '#catalogue/index'
import { clockFromEnv } from '#adapters/clock'
import { cachedSecrets, loadSecrets, masterKeysOf, refuseDevSecretsOnLambda } from '#adapters/secrets'
import { MockEnterprises } from '#mock-enterprises/service'
import { SeedFile } from '#mock-enterprises/seed'
import demo from '../../fixtures/demo.json'

refuseDevSecretsOnLambda()

let mock: MockEnterprises | undefined

function build (): MockEnterprises {
  const seed = SeedFile.parse(demo)
  const faults = process.env.MOCK_FAULTS ? JSON.parse(process.env.MOCK_FAULTS) : seed.faults
  const clock = clockFromEnv()
  const secrets = cachedSecrets(() => loadSecrets(), clock)
  const built = new MockEnterprises({ catalogue, masterKeys: async () => masterKeysOf(await secrets.get()), clock, bindings: seed.bindings, faults })
  // release notices are confirmed to the deployment's API, signed, as a real enterprise would
  built.apiUrl = process.env.YZT_API_URL
  return built
}

export const handler = async (event: APIGatewayProxyEventV2) => {
  mock ??= build()
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  const enterpriseId = event.pathParameters?.enterpriseId ?? ''
  if (event.rawPath?.endsWith('/disputes')) {
    // on Lambda nothing runs after the answer: the acknowledgement and the answer go before it
    const answer = await mock.dispute(enterpriseId, event.headers ?? {}, body)
    await mock.confirmNow()
    return { statusCode: answer.status, headers: answer.headers, body: answer.body }
  }
  if (event.rawPath?.endsWith('/number-events')) {
    const answer = await mock.notice(enterpriseId, event.headers ?? {}, body)
    await mock.confirmNow()
    return { statusCode: answer.status, headers: answer.headers, body: answer.body }
  }
  const answer = await mock.answer(enterpriseId, event.headers ?? {}, body)
  return { statusCode: answer.status, headers: answer.headers, body: answer.body }
}
