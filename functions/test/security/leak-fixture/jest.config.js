// A tiny jest run with the functions project's log capture and check, started by log-privacy.test.ts
// to prove that a leak fails a run. Not matched by the main run (its test file is *.fixture.ts).
const path = require('node:path')
const functions = path.resolve(__dirname, '../../..')
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/leak.fixture.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(functions, 'tsconfig.json') }] },
  setupFiles: [path.join(functions, 'test/support/env.ts'), path.join(functions, 'test/support/log-capture.ts')],
  globalSetup: '<rootDir>/global-setup.ts',
  globalTeardown: '<rootDir>/global-teardown.ts'
}
