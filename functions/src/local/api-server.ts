// The API's HTTP server: the shared routes → the unchanged Lambda handlers, the dev routes, and the
// H5 build on the same origin.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '#domain/errors'
import { ROUTES, matchPath } from '#infra-shared/routes'
import { errorResult } from '#lib/http'
import { devRoute, type DevRoutes } from './dev-routes'
import type { bindHandlers } from './handlers'
import { BodyTooLarge, readBody, requestUrl, sendResult, toEvent } from './http-bridge'
import { serveStatic } from './static-files'

export interface ApiServerOptions {
  handlers: ReturnType<typeof bindHandlers>
  dev: DevRoutes
  /** folder of the H5 build to serve on the same origin; omit for API only */
  webRoot?: string
  print: (line: string) => void
}

export function apiListener ({ handlers, dev, webRoot, print }: ApiServerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET'
    // the H5 dev server (another port) may call the API; mini-program hosts do not use CORS
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'GET,POST,OPTIONS' }
    try {
      const url = requestUrl(req)
      if (!url) { sendResult(res, errorResult(new AppError('INVALID_INPUT', { fields: { path: '请求路径无效' } }))); return }
      if (url.pathname.startsWith('/dev/')) {
        // never CORS: no other origin may read live codes or turn the fault knobs
        const answer = await devRoute(req, url, dev).catch(err => { if (err instanceof AppError) return errorResult(err); throw err })
        sendResult(res, answer ?? errorResult(new AppError('NOT_FOUND', { message: '接口不存在' })))
        return
      }
      if (method === 'OPTIONS') { res.writeHead(204, cors).end(); return }
      for (const route of ROUTES) {
        const params = route.method === method ? matchPath(route.path, url.pathname) : undefined
        if (!params) continue
        const body = await readBody(req)
        const event = toEvent(req, url, body, `${route.method} ${route.path}`, params)
        sendResult(res, await handlers.http[route.fn]!(event), cors)
        return
      }
      if (url.pathname.startsWith('/v1/') || !webRoot) {
        sendResult(res, errorResult(new AppError('NOT_FOUND', { message: '接口不存在' })), cors)
        return
      }
      if (method !== 'GET' && method !== 'HEAD') { sendResult(res, errorResult(new AppError('NOT_FOUND'))); return }
      serveStatic(webRoot, url.pathname, res)
    } catch (err) {
      if (err instanceof BodyTooLarge) { sendResult(res, errorResult(new AppError('PAYLOAD_TOO_LARGE')), cors); return }
      print(`local server: ${(err as Error).message}`)
      if (!res.headersSent) sendResult(res, errorResult(new AppError('UNAVAILABLE')), cors)
      else res.destroy()
    }
  }
}
