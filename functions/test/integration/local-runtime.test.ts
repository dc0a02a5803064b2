// `npm start` itself: starts, serves, keeps data with --data, survives hostile paths, and leaves no JVM
// behind on SIGTERM or SIGKILL.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'

const FUNCTIONS = path.resolve(__dirname, '../..')

function start (args: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess, url: string, output: () => string }> {
  // node itself with tsx's loader (not the tsx CLI, which runs the runtime as its child): a signal
  // sent to proc reaches the runtime and nothing else
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts', '--no-web', '--port', '0', ...args], { cwd: FUNCTIONS, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', d => { out += d })
  proc.stderr!.on('data', d => { out += d })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`not ready:\n${out}`)) }, 45_000)
    proc.stdout!.on('data', () => {
      const url = out.match(/ready: (http:\/\/127\.0\.0\.1:\d+)/)?.[1]
      if (url) { clearTimeout(timer); resolve({ proc, url, output: () => out }) }
    })
    proc.once('exit', code => { clearTimeout(timer); reject(new Error(`exited ${code}:\n${out}`)) })
  })
}

function stop (proc: ChildProcess): Promise<number | null> {
  return new Promise(resolve => { proc.once('exit', code => resolve(code)); proc.kill('SIGTERM') })
}

function jvmOnPort (endpoint: string): boolean {
  const port = endpoint.split(':').pop()
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]).toString().trim() !== ''
  } catch { return false }
}

test('starts, answers, prints SMS, keeps --data between runs, and SIGTERM stops the JVM too', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-data-'))
  try {
    const first = await start(['--data', data], { YZT_NOW: '2027-07-21T02:00:00Z' })
    const dynamo = first.output().match(/DynamoDB Local: +(http:\/\/[\d.:]+)/)![1]!
    expect(first.output()).toContain('clock:              2027-07-21T02:00')
    expect((await fetch(`${first.url}/v1/enterprises`)).status).toBe(200)
    const res = await fetch(`${first.url}/v1/verification-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"phone":"13800005551"}' })
    expect(res.status).toBe(202)
    for (let i = 0; i < 100 && !first.output().includes('验证码为'); i++) await new Promise(r => setTimeout(r, 100))
    expect(first.output()).toMatch(/📩 SMS → 138\*\*\*\*5551: 【一证通查】您的验证码为\d{6}/)
    expect(jvmOnPort(dynamo)).toBe(true)
    expect(await stop(first.proc)).toBe(0)
    expect(jvmOnPort(dynamo)).toBe(false)

    // same data folder: the cooldown written by the first run is still there
    const second = await start(['--data', data], { YZT_NOW: '2027-07-21T02:00:10Z' })
    const again = await fetch(`${second.url}/v1/verification-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"phone":"13800005551"}' })
    expect(again.status).toBe(429)
    expect(await stop(second.proc)).toBe(0)
  } finally {
    fs.rmSync(data, { recursive: true, force: true })
  }
})

/** DynamoDB Local JVMs working on this data folder */
function jvmsOn (data: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-dbPath ${data}`]).toString().trim().split('\n').filter(Boolean)
  } catch { return [] }
}

async function gone (probe: () => boolean, ms = 10_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise(r => setTimeout(r, 100))) if (!probe()) return true
  return !probe()
}

function rawGet (base: string, target: string): Promise<number> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    http.get({ host: hostname, port, path: target, agent: false }, res => { res.resume(); resolve(res.statusCode!) }).on('error', reject)
  })
}

test('`GET //` gets a 4xx from the API and the mocked enterprises and kills nothing; SIGKILL takes the JVM along; a restart on the same --data runs one JVM', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-data-'))
  try {
    const first = await start(['--data', data])
    const mockUrl = first.output().match(/mocked enterprises: (http:\/\/[\d.:]+)/)![1]!
    for (const base of [first.url, mockUrl]) {
      for (const target of ['//', '//x:y/', '//[::1', '/%', 'http://[bad/']) {
        const status = await rawGet(base, target)
        expect([base, target, status >= 400 && status < 500]).toEqual([base, target, true])
      }
    }
    expect(first.proc.exitCode).toBeNull()
    expect((await fetch(`${first.url}/v1/enterprises`)).status).toBe(200)
    expect(jvmsOn(data)).toHaveLength(1)

    // SIGKILL: no handler of ours runs; the watchdog takes the JVM down with its parent
    first.proc.kill('SIGKILL')
    expect(await gone(() => jvmsOn(data).length > 0)).toBe(true)

    const second = await start(['--data', data])
    expect(jvmsOn(data)).toHaveLength(1)
    expect(fs.existsSync(path.join(data, 'yzt-dynamodb.lock'))).toBe(true)
    // a second runtime on the same folder is refused while the first lives
    await expect(start(['--data', data])).rejects.toThrow(/in use by another local runtime/)
    expect(jvmsOn(data)).toHaveLength(1)
    expect(await stop(second.proc)).toBe(0)
    expect(jvmsOn(data)).toHaveLength(0)
    expect(fs.existsSync(path.join(data, 'yzt-dynamodb.lock'))).toBe(false)
  } finally {
    fs.rmSync(data, { recursive: true, force: true })
  }
})

test('a JVM left running on a --data folder by a dead runtime is stopped before a new one starts', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-data-'))
  try {
    const first = await start(['--data', data])
    // what an old runtime without a watchdog (or a watchdog killed with it) leaves behind
    const [jvm] = jvmsOn(data)
    execFileSync('pkill', ['-KILL', '-f', `yzt-dynamodb-watchdog ${jvm}$`], { stdio: 'ignore' })
    await new Promise(r => setTimeout(r, 200))
    first.proc.kill('SIGKILL')
    await new Promise(r => setTimeout(r, 500))
    const orphan = jvmsOn(data)
    expect(orphan).toHaveLength(1)
    const second = await start(['--data', data])
    const now = jvmsOn(data)
    expect(now).toHaveLength(1)
    expect(now).not.toEqual(orphan)
    expect(await stop(second.proc)).toBe(0)
  } finally {
    fs.rmSync(data, { recursive: true, force: true })
  }
})

test('a bad flag is a clear message, not a stack trace', async () => {
  await expect(start(['--port', 'abc'])).rejects.toThrow(/--port: abc is not a port/)
})
