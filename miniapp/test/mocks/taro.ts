// Hand-written @tarojs/taro for jsdom: only what the app calls. Every API is a jest.fn so tests can
// assert on it; storage functions exist only so tests can prove they are never called.
const router = { params: {} as Record<string, string>, path: '' }
/** page lifecycle hooks: tests fire them through these */
const lifecycle = { didShow: [] as (() => void)[], didHide: [] as (() => void)[], pullDownRefresh: [] as (() => void)[] }
const ok = (name: string) => () => Promise.resolve({ errMsg: `${name}:ok` })

const Taro = {
  request: jest.fn(),
  navigateTo: jest.fn(ok('navigateTo')),
  redirectTo: jest.fn(ok('redirectTo')),
  reLaunch: jest.fn(ok('reLaunch')),
  navigateBack: jest.fn(ok('navigateBack')),
  showToast: jest.fn(ok('showToast')),
  makePhoneCall: jest.fn(ok('makePhoneCall')),
  setClipboardData: jest.fn(ok('setClipboardData')),
  pageScrollTo: jest.fn(ok('pageScrollTo')),
  setStorage: jest.fn(ok('setStorage')),
  setStorageSync: jest.fn(),
  getStorageSync: jest.fn(),
  removeStorageSync: jest.fn(),
  getSystemInfoSync: jest.fn(() => ({})),
  login: jest.fn(() => Promise.resolve({ code: 'login-code', errMsg: 'login:ok' })),
  stopPullDownRefresh: jest.fn(ok('stopPullDownRefresh')),
  getCurrentPages: jest.fn((): { route?: string }[] => []),
  useRouter: jest.fn(() => router),
  useDidShow: jest.fn((fn: () => void) => { lifecycle.didShow.push(fn) }),
  useDidHide: jest.fn((fn: () => void) => { lifecycle.didHide.push(fn) }),
  usePullDownRefresh: jest.fn((fn: () => void) => { lifecycle.pullDownRefresh.push(fn) }),
  __router: router
}

/** what the host does when the page shows again / the person pulls down: the latest render's callback */
export function fire (hook: keyof typeof lifecycle) {
  const fns = lifecycle[hook]
  fns[fns.length - 1]?.()
}

export function resetTaro () {
  for (const v of Object.values(Taro)) if (jest.isMockFunction(v)) v.mockClear()
  Taro.request.mockReset()
  Taro.getStorageSync.mockReset()
  Taro.setStorageSync.mockReset()
  router.params = {}
  lifecycle.didShow.length = 0
  lifecycle.didHide.length = 0
  lifecycle.pullDownRefresh.length = 0
}

/** Queue HTTP answers for Taro.request in call order. */
export function respond (...answers: { status: number, data: unknown, header?: Record<string, string> }[]) {
  for (const a of answers) {
    Taro.request.mockImplementationOnce(() => Promise.resolve({ statusCode: a.status, data: a.data, header: a.header ?? {} }))
  }
}

export const { request, navigateTo, redirectTo, reLaunch, navigateBack, showToast, makePhoneCall, setClipboardData, pageScrollTo,
  setStorage, setStorageSync, getStorageSync, removeStorageSync, getSystemInfoSync, login, useRouter, stopPullDownRefresh,
  useDidShow, useDidHide, usePullDownRefresh } = Taro
export default Taro
