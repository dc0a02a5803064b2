// Starts the real local runtime (API + H5 build on one origin) for browser tests and benchmarks.
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export async function freePort () {
  const srv = net.createServer()
  await new Promise(resolve => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address()
  await new Promise(resolve => srv.close(resolve))
  return port
}

/**
 * One node process (tsx as a loader, not as a wrapper) so SIGTERM reaches the runtime itself,
 * which then stops DynamoDB Local and waits for it.
 */
export async function startRuntime ({ seed, now, web = true, log = () => {} }) {
  const port = await freePort()
  const args = ['--import', 'tsx', 'functions/src/local/main.ts', '--port', String(port), '--seed', seed]
  if (!web) args.push('--no-web')
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ...(now ? { YZT_NOW: now } : {}) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines = []
  const exited = new Promise(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  const url = `http://127.0.0.1:${port}`
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime not ready after 120 s:\n${lines.join('\n')}`)), 120_000)
    const onLine = chunk => {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue
        lines.push(line)
        log(line)
        if (line.includes(url)) { clearTimeout(timer); resolve() }
      }
    }
    child.stdout.on('data', onLine)
    child.stderr.on('data', onLine)
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`runtime exited (${code ?? signal}):\n${lines.join('\n')}`)) })
  })
  return {
    url,
    lines,
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(killer)
    }
  }
}
