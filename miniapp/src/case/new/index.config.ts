export default definePageConfig({ navigationBarTitleText: '异议账号处理' })
