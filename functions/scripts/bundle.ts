// Bundles every Lambda handler listed in FUNCTIONS into dist/<name>/index.mjs:
// ESM with the AWS SDK bundled in (the fastest cold start measured here), minified, with a source map.
import { build, type BuildOptions, type Plugin } from 'esbuild'
import * as path from 'node:path'
import { FUNCTIONS } from '#infra-shared/functions'

const root = path.resolve(__dirname, '..')
export const DIST = path.join(root, 'dist')

/** the Lambda build settings: Node 24 (the Lambda runtime) ESM with the AWS SDK bundled in, minified, with source maps */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // ESM output still meets CommonJS inside dependencies: give them a require()
  banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
  logLevel: 'warning'
} as const satisfies BuildOptions

/**
 * Every function builds the same runtime, whose SMS sender names each provider's module; only the
 * functions that send SMS (FUNCTIONS[…].sendsSms) get those modules and their SDKs (about 1.6 MB of
 * Aliyun and Tencent Cloud code). The others get a module that says so if it is ever reached.
 */
const SMS_SENDER_MODULE = /\/sms-(sns|aliyun|tencent)$/
const withoutSmsSenders: Plugin = {
  name: 'without-sms-senders',
  setup (b) {
    b.onResolve({ filter: SMS_SENDER_MODULE }, args => ({ path: args.path, namespace: 'no-sms-sender' }))
    b.onLoad({ filter: /.*/, namespace: 'no-sms-sender' }, args => ({
      contents: `throw new Error(${JSON.stringify(`this function sends no SMS: ${args.path} is not bundled`)})`
    }))
  }
}

export async function bundleAll (outdir = DIST): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {}
  await Promise.all(Object.entries(FUNCTIONS).map(async ([name, fn]) => {
    const result = await build({
      entryPoints: { index: path.join(root, fn.entry) },
      outdir: path.join(outdir, name),
      outExtension: { '.js': '.mjs' },
      // what is imported dynamically (the SNS client, the SSM parameters client) becomes a chunk
      // loaded on first use, so the functions that never send an SMS never load its client
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      metafile: true,
      plugins: 'sendsSms' in fn && fn.sendsSms ? [] : [withoutSmsSenders],
      ...LAMBDA_BUILD_OPTIONS
    })
    sizes[name] = Object.values(result.metafile.outputs).reduce((n, o) => n + (o.bytes ?? 0), 0)
  }))
  return sizes
}

if (require.main === module) {
  bundleAll().then(sizes => {
    for (const [name, bytes] of Object.entries(sizes).sort()) console.log(`${name.padEnd(16)} ${(bytes / 1024).toFixed(0)} kB (with map)`)
  }).catch(err => { console.error(err); process.exit(1) })
}
