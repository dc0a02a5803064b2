// Start and stop a Node HTTP server as promises (the API and the mocked enterprises).
import type * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export function listen (server: http.Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(`http://${host}:${(server.address() as AddressInfo).port}`)
    })
  })
}

export function close (server: http.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
