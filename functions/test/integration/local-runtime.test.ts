// `npm start` itself: starts, serves, keeps data with --data, and leaves no JVM behind on SIGTERM.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const FUNCTIONS = path.resolve(__dirname, '../..')
const TSX = path.resolve(FUNCTIONS, '../node_modules/.bin/tsx')

function start (args: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess, url: string, output: () => string }> {
  const proc = spawn(TSX, ['src/local/main.ts', '--no-web', '--port', '0', ...args], { cwd: FUNCTIONS, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
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

test('a bad flag is a clear message, not a stack trace', async () => {
  await expect(start(['--port', 'abc'])).rejects.toThrow(/--port: abc is not a port/)
})
