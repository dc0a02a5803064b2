import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import path from 'node:path'
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin'
import { buildFlags } from './flags'

// Taro only runs babel on src/ and *taro* packages. The shared contract is TypeScript outside src/,
// and zod ships ES2020 syntax that old mini-program engines reject: both must go through babel.
// Strings only: a RegExp here fails Taro's config validation and `taro build` then exits 0 without output.
const WORKSPACE_SRC = [
  path.resolve(__dirname, '../../functions/src'),
  path.dirname(require.resolve('zod/package.json'))
]

const flags = buildFlags(process.env)

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'yzt-miniapp',
    date: '2026-11-29',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: flags.outputRoot,
    plugins: [],
    // Constants, not runtime reads: with DEV_SMS false the minifier drops every dev-only branch.
    defineConstants: {
      API_BASE: JSON.stringify(flags.apiBase),
      DEV_SMS: JSON.stringify(flags.devSms)
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    sass: { resource: [] },
    // WeChat has no recursive templates: base.wxml spells out one template set per level of nesting (16 by
    // default, ~2.7 kB of the main package each), deeper nodes go through the `comp` custom component. Our
    // deepest page (the case form's app rows: 8 JSX levels, the text node one more) stays well under 14.
    baseLevel: 14,
    mini: {
      compile: { include: WORKSPACE_SRC },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      },
      webpackChain (chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
      }
    },
    h5: {
      compile: { include: WORKSPACE_SRC },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      },
      webpackChain (chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
      }
    }
  }
  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, { logger: { quiet: false, stats: true } })
  }
  return merge({}, baseConfig, {})
})
