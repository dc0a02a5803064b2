// Bundles every function once per jest run, into a private folder: the tests then check the very
// files a deploy would upload, on a clean clone too, without racing `npm run build` in functions/.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { bundleAll } from '../../../functions/scripts/bundle'

export default async function globalSetup (): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-bundles-'))
  // jest workers inherit the environment of the process that runs global setup
  process.env.YZT_TEST_BUNDLES_DIR = dir
  await bundleAll(dir)
}
