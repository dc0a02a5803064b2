// Node HTTP ⇄ API Gateway HTTP API (payload v2): the local server calls the unchanged Lambda handlers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

/** API Gateway refuses bodies over 10 MB before any function runs */
export const GATEWAY_MAX_BODY = 10 * 1024 * 1024

export class BodyTooLarge extends Error {}

export async function readBody (req: IncomingMessage, limit = GATEWAY_MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new BodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** The request's URL, or undefined when it is not one (`GET //`, `GET //x:y`): a 400, never a crash. */
export function requestUrl (req: IncomingMessage): URL | undefined {
  const target = req.url ?? '/'
  // origin-form ("/path?query") or absolute-form ("http://host/path"); "//host/…" would parse as
  // another host, or throw
  const absolute = /^https?:\/\//i.test(target)
  if (!absolute && (!target.startsWith('/') || target.startsWith('//'))) return undefined
  try {
    return absolute ? new URL(target) : new URL(target, 'http://local')
  } catch {
    return undefined
  }
}

export function toEvent (req: IncomingMessage, url: URL, body: Buffer, routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v
  const now = Date.now()
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    // like API Gateway: text bodies as they are, anything else base64
    body: body.length ? (isText(headers['content-type']) ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText(headers['content-type']),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? ''
      }
    }
  }
}

function isText (contentType = ''): boolean {
  return /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i.test(contentType)
}

export function sendResult (res: ServerResponse, result: APIGatewayProxyStructuredResultV2, extraHeaders: Record<string, string> = {}): void {
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body
  res.writeHead(result.statusCode ?? 200, { ...extraHeaders, ...(result.headers as Record<string, string>) })
  res.end(body)
}
