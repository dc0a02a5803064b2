// Evaluated in Node at build time: the 模拟短信 page exists only in builds for the local runtime.
// Same switch as DEV_SMS in config/flags.ts (not imported: webpack also parses this file, and
// config/ is outside the folders it compiles).
const devSms = process.env.YZT_DEV_SMS === '1'

export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/submitted/index',
    'pages/guide/index',
    'pages/enterprise/index',
    'pages/details/index',
    'pages/privacy/index',
    'pages/alerts/index',
    ...(devSms ? ['pages/dev-sms/index'] : [])
  ],
  // Resolution cases (异议账号处理) are a subpackage: the main package stays the query, loaded first; the case
  // pages, the cases contract and their code come when first opened (preloaded from the result page and the guide).
  subPackages: [
    { root: 'case', pages: ['new/index', 'submitted/index', 'list/index', 'detail/index'] }
  ],
  preloadRule: {
    'pages/submitted/index': { network: 'all', packages: ['case'] },
    'pages/guide/index': { network: 'all', packages: ['case'] }
  },
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '一证通查',
    navigationBarTextStyle: 'black'
  }
})
