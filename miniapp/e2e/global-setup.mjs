// Starts the real local runtime once for all browser tests; its URL reaches the tests through E2E_BASE.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRuntime } from './runtime.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
// A fixed instant, late enough in UTC that China is already on the next day (the SMS must say 7月21日).
// In the future on purpose: with an instant in the past, items written with a TTL already gone are
// dropped by DynamoDB Local before the stream consumers read them.
export const NOW = process.env.E2E_NOW || '2030-07-20T16:30:00Z'

export default async function globalSetup () {
  if (!fs.existsSync(path.join(here, '../dist/h5-local/index.html'))) {
    throw new Error('dist/h5-local is missing: run `npm run build:h5:local` first')
  }
  const runtime = await startRuntime({
    seed: path.join(here, 'seed.json'),
    now: NOW,
    log: l => { if (process.env.E2E_VERBOSE) console.log('[runtime]', l) }
  })
  process.env.E2E_BASE = runtime.url
  process.env.E2E_NOW = NOW
  return () => runtime.stop()
}
