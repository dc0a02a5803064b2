// Hand-written @tarojs/taro for jsdom: only what the app calls. Every API is a jest.fn so tests can
// assert on it; storage functions exist only so tests can prove they are never called.
const router = { params: {} as Record<string, string>, path: '' }
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
  useRouter: jest.fn(() => router),
  __router: router
}

export function resetTaro () {
  for (const v of Object.values(Taro)) if (jest.isMockFunction(v)) v.mockClear()
  Taro.request.mockReset()
  router.params = {}
}

/** Queue HTTP answers for Taro.request in call order. */
export function respond (...answers: { status: number, data: unknown, header?: Record<string, string> }[]) {
  for (const a of answers) {
    Taro.request.mockImplementationOnce(() => Promise.resolve({ statusCode: a.status, data: a.data, header: a.header ?? {} }))
  }
}

export const { request, navigateTo, redirectTo, reLaunch, navigateBack, showToast, makePhoneCall, setClipboardData, pageScrollTo,
  setStorage, setStorageSync, getStorageSync, removeStorageSync, getSystemInfoSync, login, useRouter } = Taro
export default Taro
