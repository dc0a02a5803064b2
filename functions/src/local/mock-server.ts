// The mocked enterprises' HTTP server: their own port, reached over real HTTP with signed requests.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { MOCK_DISPUTES_ROUTE, MOCK_ENTERPRISE_ROUTE, MOCK_NOTICE_ROUTE, matchPath } from '#infra-shared/routes'
import type { MockEnterprises } from '#mock-enterprises/service'
import { readBody, requestUrl } from './http-bridge'

export function mockEnterprisesListener (mock: MockEnterprises, print: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = requestUrl(req)
      if (!url) { res.writeHead(400).end(); return }
      const counts = req.method === 'POST' ? matchPath(MOCK_ENTERPRISE_ROUTE.path, url.pathname) : undefined
      const notice = req.method === 'POST' ? matchPath(MOCK_NOTICE_ROUTE.path, url.pathname) : undefined
      const dispute = req.method === 'POST' ? matchPath(MOCK_DISPUTES_ROUTE.path, url.pathname) : undefined
      const params = counts ?? notice ?? dispute
      if (!params) { res.writeHead(404).end(); return }
      const body = (await readBody(req, 64 * 1024).catch(() => undefined))?.toString('utf8')
      if (body === undefined) { res.writeHead(413).end(); return }
      const headers = req.headers as Record<string, string>
      const answer = counts
        ? await mock.answer(params.enterpriseId!, headers, body)
        : notice ? await mock.notice(params.enterpriseId!, headers, body) : await mock.dispute(params.enterpriseId!, headers, body)
      if (!res.destroyed) res.writeHead(answer.status, answer.headers).end(answer.body)
    } catch (err) {
      // whatever a request does, the mocked enterprises keep running
      print(`mocked enterprises: ${(err as Error).message}`)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    }
  }
}
