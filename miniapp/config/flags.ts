// Build-time switches, read by both config/index.ts (defineConstants) and src/app.config.ts (page list),
// so the dev-only page and the code that links to it come and go together.

/** Where production builds send requests unless TARO_APP_API_BASE says otherwise. */
export const DEFAULT_API_BASE = 'https://api.yzt.example.com'

export interface BuildFlags {
  /** '' means same origin: the H5 build served by the local runtime. */
  apiBase: string
  /** include the 模拟短信 page (local runtime builds only; the API behind it exists only there) */
  devSms: boolean
  /** the local H5 build goes beside the production one: the local runtime serves dist/h5-local */
  outputRoot: string
}

export function buildFlags (env: Record<string, string | undefined>): BuildFlags {
  // `TARO_APP_API_BASE=` (set but empty) is meaningful: same origin. Only an unset variable falls back.
  const apiBase = env.TARO_APP_API_BASE ?? DEFAULT_API_BASE
  const devSms = env.YZT_DEV_SMS === '1'
  const platform = env.TARO_ENV ?? 'h5'
  return {
    apiBase: apiBase.replace(/\/+$/, ''),
    devSms,
    outputRoot: devSms && platform === 'h5' ? 'dist/h5-local' : `dist/${platform}`
  }
}
