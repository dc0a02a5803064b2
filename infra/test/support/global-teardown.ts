import * as fs from 'node:fs'

export default async function globalTeardown (): Promise<void> {
  const dir = process.env.YZT_TEST_BUNDLES_DIR
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
}
