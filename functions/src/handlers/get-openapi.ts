// GET /v1/openapi.json: the public API's OpenAPI document, generated from the contract once per container.
import { publicApiDocument } from '#contract/openapi/public-api'
import { httpRoute } from '#lib/http'

let document: Record<string, unknown> | undefined

export const handler = httpRoute({ status: 200 }, async () => (document ??= publicApiDocument()))
