/** placeholder until the mini-program lands */ module.exports = { displayName: "miniapp", testEnvironment: "node", roots: ["<rootDir>/test"], passWithNoTests: true }
