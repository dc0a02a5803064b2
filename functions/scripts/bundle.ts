// Bundles every Lambda handler listed in FUNCTIONS into dist/<name>/index.mjs:
// ESM with the AWS SDK bundled in (the fastest cold start measured here), minified, with a source map.
import { build, type BuildOptions } from 'esbuild'
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
