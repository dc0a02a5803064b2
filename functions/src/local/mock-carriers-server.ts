// CARRIER_GATEWAY=http locally: the four carriers' real-name checks mocked, each on its own server,
// answering signed requests from the seed. The servers listen first (the runtime needs their URLs);
// they answer once the runtime's master key is known.
import * as http from 'node:http'
import { CARRIERS, type CarrierId } from '#domain/carriers'
import { MockCarrier, type MockCarrierSubscriber } from '#mock-carriers/service'
import type { Clock } from '#ports'
import { readBody } from './http-bridge'
import { close, listen } from './servers'

export interface MockCarriers {
  /** carrier id → URL of its real-name check (CARRIER_ENDPOINTS) */
  endpoints: Record<string, string>
  /** requests answered per carrier */
  served: Record<string, number>
  answerWith (masterKey: string, clock: Clock, subscribers: readonly MockCarrierSubscriber[]): void
  stop (): Promise<void>
}

export async function startMockCarriers (host: string): Promise<MockCarriers> {
  const endpoints: Record<string, string> = {}
  const served: Record<string, number> = {}
  const servers: [CarrierId, http.Server][] = []
  for (const { id } of CARRIERS) {
    const server = http.createServer()
    endpoints[id] = `${await listen(server, 0, host)}/real-name`
    servers.push([id, server])
  }
  return {
    endpoints,
    served,
    answerWith (masterKey, clock, subscribers) {
      for (const [id, server] of servers) {
        const carrier = new MockCarrier(id, masterKey, clock, subscribers)
        server.on('request', async (req, res) => {
          const body = (await readBody(req, 4096).catch(() => undefined))?.toString('utf8')
          if (body === undefined) { res.writeHead(413).end(); return }
          served[id] = (served[id] ?? 0) + 1
          const answer = carrier.answer(req.headers, body)
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
        })
      }
    },
    async stop () { await Promise.all(servers.map(([, s]) => close(s))) }
  }
}
