// `npm start`: the whole system on this machine. Ctrl-C or SIGTERM stops everything it started.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { clockFromEnv } from '#adapters/clock'
import { logger } from '#lib/logger'
import { startSystem } from './system'

const REPO = path.resolve(__dirname, '../../..')
const DEFAULT_SEED = path.join(REPO, 'functions/fixtures/demo.json')
const H5_LOCAL = path.join(REPO, 'miniapp/dist/h5-local')

const USAGE = `usage: npm start -- [--port 3000] [--host 127.0.0.1] [--data DIR] [--seed FILE] [--no-web]
  --data DIR   keep DynamoDB Local's data in DIR (default: in memory)
  --seed FILE  subscribers, bindings and faults to load (default: functions/fixtures/demo.json), and
               optionally its own enterprises (npm run generate-catalogue -w @yzt/functions -- --seed --out FILE)
  --no-web     API only; without it the H5 mini-program is served on the same origin
  YZT_NOW=<ISO instant> starts the clock there (it then runs on in real time)
  ENTERPRISES_FILE=<file> the enterprise configuration (catalogue and endpoints), re-read every
    ENTERPRISES_MAX_AGE_SECONDS (60); enterprises without an endpoint answer from the local mocks`

/** the local H5 build is missing or older than a source it is built from */
function h5BuildIsStale (): boolean {
  const built = path.join(H5_LOCAL, 'index.html')
  if (!fs.existsSync(built)) return true
  const builtAt = fs.statSync(built).mtimeMs
  const sources = ['miniapp/src', 'miniapp/config', 'functions/src/contract'].map(d => path.join(REPO, d))
  const newer = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some(e => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > builtAt
  })
  return sources.some(d => fs.existsSync(d) && newer(d))
}

async function main (): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      seed: { type: 'string', default: DEFAULT_SEED },
      'no-web': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) { console.log(USAGE); return }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: ${values.port} is not a port\n${USAGE}`)
  const seed = JSON.parse(fs.readFileSync(path.resolve(values.seed!), 'utf8'))
  if (values.data) fs.mkdirSync(path.resolve(values.data), { recursive: true })

  const web = !values['no-web']
  if (web && h5BuildIsStale()) {
    console.log('Building the H5 mini-program for the local runtime (its sources changed since the last build)…')
    const built = spawnSync('npm', ['run', 'build:h5:local', '-w', '@yzt/miniapp'], { cwd: REPO, stdio: 'inherit' })
    if (built.status !== 0 || !fs.existsSync(path.join(H5_LOCAL, 'index.html'))) throw new Error('H5 build failed; run with --no-web for the API alone')
  }

  // the terminal is for people: SMS and problems, not every INFO line of every function
  logger.setLogLevel((process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN') as 'WARN')
  const system = await startSystem({
    port,
    host: values.host,
    dataDir: values.data && path.resolve(values.data),
    seed,
    webRoot: web ? H5_LOCAL : undefined,
    clock: clockFromEnv(),
    env: process.env,
    print: line => console.log(line)
  })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping the API, the pollers, the mocked enterprises and DynamoDB Local…`)
    await system.stop()
    console.log('stopped.')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  const subscribers = (seed.subscribers ?? []) as { phone: string, idSuffix: string, status: string }[]
  console.log([
    '',
    `yzt local runtime ready: ${system.url}`,
    web ? `  mini-program (H5):  ${system.url}/` : '  mini-program: not served (--no-web)',
    `  API:                ${system.url}/v1/enterprises`,
    `  simulated SMS:      ${system.url}/dev/sms?phone=<number>  (and printed below)`,
    `  DynamoDB Local:     ${system.dynamoEndpoint}${values.data ? ` (data in ${values.data})` : ' (in memory)'}`,
    `  mocked enterprises: ${system.mockUrl}`,
    `  clock:              ${new Date(system.runtime.clock.now()).toISOString()}`,
    '',
    'Demo subscribers (fictional, from the seed):',
    ...subscribers.map(s => `  ${s.phone}  ID suffix ${s.idSuffix}  ${s.status}`),
    '',
    'Press Ctrl-C to stop.'
  ].join('\n'))
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
