export default definePageConfig({
  navigationBarTitleText: '模拟短信'
})
