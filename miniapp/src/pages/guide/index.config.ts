export default definePageConfig({
  navigationBarTitleText: '解绑与明细查询'
})
