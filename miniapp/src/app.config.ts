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
    'pages/privacy/index',
    'pages/cases-new/index',
    'pages/case-submitted/index',
    'pages/cases/index',
    'pages/case-detail/index',
    ...(devSms ? ['pages/dev-sms/index'] : [])
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '一证通查',
    navigationBarTextStyle: 'black'
  }
})
