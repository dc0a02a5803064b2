export default definePageConfig({
  navigationBarTitleText: '查看明细'
})
