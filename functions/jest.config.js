/** @type {import('jest').Config} */
module.exports = {
  displayName: 'functions',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^#ports$': '<rootDir>/src/ports.ts',
    '^#(contract|domain|adapters|catalogue|infra-shared|handlers|lib|mock-enterprises|mock-carriers|local)/(.*)$': '<rootDir>/src/$1/$2'
  },
  // one DynamoDB Local JVM per jest run; every data test talks to it. log-capture: every line any
  // test file writes is kept and checked for numbers, ID suffixes and codes when the run ends
  setupFiles: ['<rootDir>/test/support/env.ts', '<rootDir>/test/support/log-capture.ts'],
  globalSetup: '<rootDir>/test/support/dynamo-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/dynamo-global-teardown.ts'
}
