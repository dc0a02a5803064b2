/** @type {import('jest').Config} */
module.exports = {
  displayName: 'functions',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // jose ships ES modules only: compiled to CommonJS for jest like our own files (Lambda bundles and tsx load it as it is)
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, isolatedModules: true }]
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    '^#ports$': '<rootDir>/src/domain/ports/index.ts',
    '^#(contract|domain|adapters|catalogue|infra-shared|handlers|lib|mock-enterprises|mock-carriers|local)/(.*)$': '<rootDir>/src/$1/$2'
  },
  // one DynamoDB Local JVM per jest run; every data test talks to it. log-capture: every line any
  // test file writes is kept and checked for numbers, ID suffixes and codes when the run ends
  setupFiles: ['<rootDir>/test/support/env.ts', '<rootDir>/test/support/log-capture.ts'],
  globalSetup: '<rootDir>/test/support/dynamo-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/dynamo-global-teardown.ts'
}
