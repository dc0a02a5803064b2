// A raw HTTP client for hostile requests: any method, any bytes, any (or no) content type, a body on
// GET. fetch() would refuse most of that.
import * as http from 'node:http'

export interface RawRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** the loopback address to connect from (Linux routes all of 127/8 to lo): another source */
  from?: string
}

export interface RawReply { status: number, headers: http.IncomingHttpHeaders, text: string }

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
const agents = new Map<string, http.Agent>()
const agentFrom = (address?: string) => {
  if (address === undefined) return agent
  let a = agents.get(address)
  if (!a) agents.set(address, a = new http.Agent({ keepAlive: true, maxSockets: 64, localAddress: address } as http.AgentOptions))
  return a
}

export function raw (base: string, r: RawRequest): Promise<RawReply> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: r.method, path: r.path, agent: agentFrom(r.from),
      headers: { ...(r.body !== undefined && { 'content-length': String(Buffer.byteLength(r.body)) }), ...r.headers }
    }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(r.body)
  })
}

export function closeRawAgent (): void {
  agent.destroy()
  for (const a of agents.values()) a.destroy()
  agents.clear()
}
