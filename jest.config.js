// One jest run for every workspace: one process, one summary. Each workspace owns its config.
/** @type {import('jest').Config} */
module.exports = {
  // per-project testTimeout is ignored under `projects`: DynamoDB Local and browser tests need more than 5 s
  testTimeout: 60000,
  projects: [
    '<rootDir>/functions/jest.config.js',
    '<rootDir>/infra/jest.config.js',
    '<rootDir>/miniapp/jest.config.js'
  ]
}
