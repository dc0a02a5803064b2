export default definePageConfig({ navigationBarTitleText: '办理方法' })
