import { buildFlags, DEFAULT_API_BASE } from '../config/flags'
import { ApiError } from '../src/services/api'
import { formatChinaTime } from '../src/utils/chinaTime'
import { describeError, formatWait } from '../src/utils/messages'
import { param } from '../src/utils/params'

describe('build flags', () => {
  test('production builds use the default base and leave the dev page out', () => {
    expect(buildFlags({ TARO_ENV: 'weapp' })).toEqual({ apiBase: DEFAULT_API_BASE, devSms: false, outputRoot: 'dist/weapp' })
  })
  test('an empty API base means same origin; the local H5 build has its own folder', () => {
    expect(buildFlags({ TARO_ENV: 'h5', TARO_APP_API_BASE: '', YZT_DEV_SMS: '1' }))
      .toEqual({ apiBase: '', devSms: true, outputRoot: 'dist/h5-local' })
  })
  test('a trailing slash on the base does not double the slash in URLs', () => {
    expect(buildFlags({ TARO_APP_API_BASE: 'http://127.0.0.1:3000/' }).apiBase).toBe('http://127.0.0.1:3000')
  })
  test('the local weapp build keeps dist/weapp, where WeChat DevTools looks', () => {
    expect(buildFlags({ TARO_ENV: 'weapp', YZT_DEV_SMS: '1' }).outputRoot).toBe('dist/weapp')
  })
})

test('waits read in seconds, then minutes', () => {
  expect(formatWait(0.2)).toBe('1秒')
  expect(formatWait(59)).toBe('59秒')
  expect(formatWait(60)).toBe('1分钟')
  expect(formatWait(75)).toBe('1分15秒')
  expect(formatWait(86400)).toBe('1440分钟')
})

test('every error code gets its own plain words', () => {
  const codes = ['VERIFICATION_FAILED', 'CODE_INVALID', 'RATE_LIMITED', 'UNAVAILABLE', 'INVALID_INPUT', 'NETWORK', 'NOT_FOUND'] as const
  const texts = codes.map(c => describeError(new ApiError(c, 'server text')))
  expect(new Set(texts).size).toBe(codes.length)
  for (const t of texts) expect(t).not.toContain('server text')
  expect(describeError(new ApiError('BAD_RESPONSE', 'x'))).toBe('服务出现异常，请稍后再试。')
})

test('a rate limit says the seconds still left, a failed check the tries left', () => {
  const e = new ApiError('RATE_LIMITED', 'x', 429, {}, 41)
  expect(describeError(e)).toBe('操作过于频繁，请41秒后再试。')
  expect(describeError(e, 12)).toBe('操作过于频繁，请12秒后再试。')
  const v = new ApiError('VERIFICATION_FAILED', 'x', 403, {}, undefined, 1)
  expect(describeError(v)).toContain('还可尝试1次')
})

test('times are shown in China time whatever the device zone', () => {
  expect(formatChinaTime('2030-07-20T16:30:05Z')).toBe('7月21日 00:30:05')
  expect(formatChinaTime('not a date')).toBe('not a date')
})

test('page params are decoded once, whether or not the host already did', () => {
  expect(param({ m: '138%2A%2A%2A%2A5551' }, 'm')).toBe('138****5551')
  expect(param({ m: '138****5551' }, 'm')).toBe('138****5551')
  expect(param({ m: '100%' }, 'm')).toBe('100%')
  expect(param({}, 'm')).toBe('')
})
