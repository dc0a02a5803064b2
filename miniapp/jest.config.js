// Component tests: babel-jest with the app's babel config, jsdom, Taro's H5 components, a mocked @tarojs/taro.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'miniapp',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  // Taro's H5 components render through Stencil on real timers: on a busy shared machine 5 s is too short
  testTimeout: 30_000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testMatch: ['<rootDir>/test/**/*.test.{ts,tsx}'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'json'],
  transform: { '^.+\\.(m?js|jsx|tsx?)$': ['babel-jest', { configFile: require.resolve('./babel.config.js') }] },
  // @tarojs/* and @stencil ship ESM only; the shared contract is TypeScript in functions/src
  transformIgnorePatterns: ['/node_modules/(?!(@tarojs|@stencil|\\.pnpm|tslib|swiper|ssr-window|dom7|lodash-es|query-string|decode-uri-component|split-on-first|filter-obj|nanoid|style-inject)/)'],
  moduleNameMapper: {
    // the H5 React implementation of Taro components, as `taro build --type h5` uses
    '^@tarojs/components$': '@tarojs/components/lib/react',
    '^@tarojs/taro$': '<rootDir>/test/mocks/taro.ts',
    '\\.(css|less|scss|sass|styl)$': '<rootDir>/test/mocks/style.js'
  }
}
