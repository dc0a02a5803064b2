// The mocked enterprises deployed as one Lambda behind their own API (dev stages only).
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { catalogue } from '#catalogue/index'
import { clockFromEnv } from '#adapters/clock'
import { loadSecrets } from '#adapters/secrets'
import { MockEnterprises } from '#mock-enterprises/service'
import { SeedFile } from '#mock-enterprises/seed'
import demo from '../../fixtures/demo.json'

let mock: Promise<MockEnterprises> | undefined

function build (): Promise<MockEnterprises> {
  return loadSecrets().then(secrets => {
    const seed = SeedFile.parse(demo)
    const faults = process.env.MOCK_FAULTS ? JSON.parse(process.env.MOCK_FAULTS) : seed.faults
    return new MockEnterprises({ catalogue, masterKey: secrets.enterpriseKey, clock: clockFromEnv(), bindings: seed.bindings, faults })
  })
}

export const handler = async (event: APIGatewayProxyEventV2) => {
  mock ??= build().catch(err => { mock = undefined; throw err })
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? ''
  const answer = await (await mock).answer(event.pathParameters?.enterpriseId ?? '', event.headers ?? {}, body)
  return { statusCode: answer.status, headers: { 'content-type': 'application/json' }, body: answer.body }
}
