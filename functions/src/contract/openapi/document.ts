// OpenAPI 3.1 documents built from the zod schemas themselves (z.toJSONSchema): the document cannot
// drift from what the code accepts. An endpoint is one Operation entry; its named schemas land in
// components.schemas once, referenced by name.
import * as z from 'zod/mini'

export interface NamedSchema {
  name: string
  schema: z.core.$ZodType
}

export const schema = (name: string, s: z.core.$ZodType): NamedSchema => ({ name, schema: s })

export interface HeaderSpec {
  name: string
  description: string
  pattern?: string
  required?: boolean
}

export interface ResponseSpec {
  description: string
  body?: NamedSchema
  headers?: HeaderSpec[]
}

export interface Operation {
  method: 'get' | 'post'
  /** OpenAPI path syntax: {name} is a path parameter (the route table uses the same) */
  path: string
  operationId: string
  summary: string
  description?: string
  requestHeaders?: HeaderSpec[]
  requestBody?: NamedSchema
  /** the request body's media type (application/json unless said: an OAuth token request is a form) */
  requestContentType?: string
  responses: Record<string, ResponseSpec>
  /** names of components.securitySchemes that apply, or a scheme with the OAuth scopes it needs */
  security?: (string | { scheme: string, scopes: string[] })[]
}

export interface DocumentSpec {
  title: string
  version: string
  description: string
  servers: { url: string, description: string, variables?: Record<string, { default: string, description: string }> }[]
  securitySchemes?: Record<string,
    | { type: 'apiKey', in: 'header', name: string, description: string }
    | { type: 'http', scheme: 'bearer' | 'basic', description: string }
    | { type: 'openIdConnect', openIdConnectUrl: string, description: string }>
  operations: Operation[]
}

type Json = Record<string, unknown>

export function openApiDocument (spec: DocumentSpec): Json {
  const schemas: Record<string, Json> = {}
  const ref = ({ name, schema }: NamedSchema, io: 'input' | 'output') => {
    // a request body is described as sent (before transforms), an answer as produced
    if (!schemas[name]) {
      const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
      schemas[name] = json
    }
    return { $ref: `#/components/schemas/${name}` }
  }
  const header = (h: HeaderSpec) => ({
    description: h.description,
    required: h.required ?? true,
    schema: h.pattern ? { type: 'string', pattern: h.pattern } : { type: 'string' }
  })

  const paths: Record<string, Record<string, Json>> = {}
  for (const op of spec.operations) {
    const pathParameters = [...op.path.matchAll(/\{([^}]+)\}/g)].map(m => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const parameters = [...pathParameters, ...(op.requestHeaders ?? []).map(h => ({ name: h.name, in: 'header', ...header(h) }))]
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.requestBody ? { requestBody: { required: true, content: { [op.requestContentType ?? 'application/json']: { schema: ref(op.requestBody, 'input') } } } } : {}),
      responses: Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, {
        description: r.description,
        ...(r.headers ? { headers: Object.fromEntries(r.headers.map(h => [h.name, header(h)])) } : {}),
        ...(r.body ? { content: { 'application/json': { schema: ref(r.body, 'output') } } } : {})
      }])),
      ...(op.security ? { security: op.security.map(s => typeof s === 'string' ? { [s]: [] } : { [s.scheme]: s.scopes }) } : { security: [] })
    }
  }

  return {
    openapi: '3.1.0',
    info: { title: spec.title, version: spec.version, description: spec.description },
    servers: spec.servers,
    paths,
    components: { schemas, ...(spec.securitySchemes ? { securitySchemes: spec.securitySchemes } : {}) }
  }
}
