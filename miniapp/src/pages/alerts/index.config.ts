export default definePageConfig({
  navigationBarTitleText: '绑定提醒'
})
