// Browser tests: the local H5 build (dist/h5-local) in headless Chromium from the system, against the real
// local runtime (DynamoDB Local, stream pollers, mocked enterprises) that e2e/global-setup.mjs starts.
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.mjs',
  globalSetup: './e2e/global-setup.mjs',
  // one runtime, one SMS log, ordered tests that share phone numbers and their rate limits
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  reporter: [['list']],
  outputDir: 'e2e/results',
  use: {
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']
    }
  }
})
