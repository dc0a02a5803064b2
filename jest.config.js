// One jest run for every workspace: one process, one summary. Each workspace owns its config.
/** @type {import('jest').Config} */
module.exports = {
  projects: [
    '<rootDir>/functions/jest.config.js',
    '<rootDir>/infra/jest.config.js',
    '<rootDir>/miniapp/jest.config.js'
  ]
}
