// What each deployed function costs before its first line runs: bundle size and the time a fresh
// Node process takes to import it, beside a baseline of only the DynamoDB document client and zod.
// Run: npm run bench -w @yzt/infra
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundleAll, LAMBDA_BUILD_OPTIONS } from '../../functions/scripts/bundle'

const RUNS = 10
const FUNCTIONS_DIR = path.resolve(__dirname, '../../functions')
// the functions workspace owns esbuild, the SDK and zod: resolve them there, at its versions
// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- resolved from another workspace at run time
const { build } = require(require.resolve('esbuild', { paths: [FUNCTIONS_DIR] })) as typeof import('esbuild')

const BASELINE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}))
const Input = z.object({ id: z.string() })
export const handler = async (event) => doc.send(new GetCommand({ TableName: 't', Key: { pk: Input.parse(event).id } }))
`

async function bundleBaseline (outdir: string): Promise<void> {
  // the same build options as the functions, so the difference is the code, not the build
  await build({
    stdin: { contents: BASELINE, resolveDir: FUNCTIONS_DIR, sourcefile: 'baseline.mjs', loader: 'js' },
    outfile: path.join(outdir, 'baseline', 'index.mjs'),
    ...LAMBDA_BUILD_OPTIONS
  })
}

const PROBE = 'const t = performance.now(); const m = await import(process.argv[1]); if (typeof m.handler !== "function") process.exit(2); process.stdout.write(String(performance.now() - t))'

function loadMs (file: string, nodeOptions: string): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH, AWS_REGION: 'ap-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: nodeOptions },
      encoding: 'utf8'
    })
    times.push(Number(out))
  }
  times.sort((a, b) => a - b)
  return (times[RUNS / 2 - 1]! + times[RUNS / 2]!) / 2
}

async function main (): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-bench-'))
  try {
    await Promise.all([bundleAll(dir), bundleBaseline(dir)])
    const names = fs.readdirSync(dir).sort((a, b) => (a === 'baseline' ? -1 : b === 'baseline' ? 1 : a.localeCompare(b)))
    // a split bundle is index.mjs plus its chunks (static ones load with it, dynamic ones on first use)
    const kB = (folder: string, ext: string) => (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter(f => f.endsWith(ext)).reduce((n, f) => n + fs.statSync(path.join(folder, f)).size, 0) / 1024).toFixed(0)
    console.log(`median of ${RUNS} fresh node ${process.version} processes, ${os.cpus().length} CPUs, import time only`)
    console.log('| function | index.mjs kB | all chunks kB | maps kB | load ms | load ms with --enable-source-maps |')
    console.log('|---|---:|---:|---:|---:|---:|')
    for (const name of names) {
      const file = path.join(dir, name, 'index.mjs')
      const plain = loadMs(file, '')
      const mapped = loadMs(file, '--enable-source-maps')
      const label = name === 'baseline' ? 'baseline (lib-dynamodb + zod)' : name
      const folder = path.join(dir, name)
      console.log(`| ${label} | ${(fs.statSync(file).size / 1024).toFixed(0)} | ${kB(folder, '.mjs')} | ${kB(folder, '.map')} | ${plain.toFixed(0)} | ${mapped.toFixed(0)} |`)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch(err => { console.error(err); process.exit(1) })
