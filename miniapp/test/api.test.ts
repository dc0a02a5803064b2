import Taro from '@tarojs/taro'
import { ApiError, getQuery, listEnterprises, sendCode, submitQuery } from '../src/services/api'
import { respond } from './mocks/taro'
import { enterprisesBody, err } from './fixtures'

const request = Taro.request as unknown as jest.Mock
const KEY = 'k_0123456789abcdef-XYZ'

async function rejection (p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    if (e instanceof ApiError) return e
    throw e
  }
  throw new Error('expected a rejection')
}

test('sendCode posts the normalised number as JSON to the build-time API base', async () => {
  respond({ status: 202, data: { maskedPhone: '138****5551', expiresInSeconds: 300, resendAfterSeconds: 60 } })
  const res = await sendCode('+86 138-0000-5551', KEY)
  expect(res.resendAfterSeconds).toBe(60)
  const opts = request.mock.calls[0][0]
  expect(opts).toMatchObject({ url: 'https://api.test/v1/verification-codes', method: 'POST' })
  expect(JSON.parse(opts.data)).toEqual({ phone: '13800005551' })
})

test('submitQuery upper-cases the x of the ID suffix and sends consent', async () => {
  respond({ status: 202, data: { queryId: 'q1', maskedPhone: '138****5551', status: 'ACCEPTED' } })
  await submitQuery({ phone: '13800005551', idSuffix: '12345x', code: '123456', consent: true }, KEY)
  expect(JSON.parse(request.mock.calls[0][0].data)).toEqual({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true })
})

test('getQuery and listEnterprises validate what comes back', async () => {
  respond({ status: 200, data: { queryId: 'q1', maskedPhone: '138****5551', status: 'SENT', acceptedAt: 'a', sentAt: 'b' } })
  expect((await getQuery('q1')).status).toBe('SENT')
  expect(request.mock.calls[0][0]).toMatchObject({ url: 'https://api.test/v1/queries/q1', method: 'GET' })

  respond({ status: 200, data: enterprisesBody })
  expect((await listEnterprises()).enterprises).toHaveLength(8)
})

test('a 2xx body that breaks the contract is an error, not data', async () => {
  respond({ status: 200, data: { queryId: 'q1', status: 'DONE' } })
  expect((await rejection(getQuery('q1'))).code).toBe('BAD_RESPONSE')
})

test('error bodies become ApiError with code, fields and the wait', async () => {
  respond({ status: 400, data: err('INVALID_INPUT', 'bad', { fields: { idSuffix: '格式不对' } }) })
  const e1 = await rejection(submitQuery({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true }, KEY))
  expect(e1).toMatchObject({ code: 'INVALID_INPUT', status: 400, fields: { idSuffix: '格式不对' } })

  respond({ status: 429, data: err('RATE_LIMITED', 'slow', { retryAfterSeconds: 42.2 }), header: { 'Retry-After': '99' } })
  expect((await rejection(sendCode('13800005551', KEY))).retryAfterSeconds).toBe(43)
})

test('Retry-After header is used when the body has no wait, whatever its case', async () => {
  respond({ status: 429, data: err('RATE_LIMITED'), header: { 'Retry-After': '30' } })
  expect((await rejection(sendCode('13800005551', KEY))).retryAfterSeconds).toBe(30)
  respond({ status: 429, data: null, header: { 'retry-after': '7' } })
  const e = await rejection(sendCode('13800005551', KEY))
  expect(e).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7 })
})

test('network failure and bare 5xx map to NETWORK and UNAVAILABLE', async () => {
  request.mockImplementationOnce(() => Promise.reject(new Error('request:fail')))
  expect((await rejection(listEnterprises())).code).toBe('NETWORK')
  respond({ status: 502, data: '<html>' })
  expect((await rejection(listEnterprises())).code).toBe('UNAVAILABLE')
})

test('the starting POSTs carry the idempotency key; GETs do not', async () => {
  respond({ status: 202, data: { maskedPhone: '138****5551', expiresInSeconds: 300, resendAfterSeconds: 60 } })
  await sendCode('13800005551', KEY)
  expect(request.mock.calls[0][0].header).toMatchObject({ 'Idempotency-Key': KEY })
  expect(request.mock.calls[0][0].header['X-Yzt-Login']).toBeUndefined() // H5 has no host login
  respond({ status: 200, data: enterprisesBody })
  await listEnterprises()
  expect(request.mock.calls[1][0].header['Idempotency-Key']).toBeUndefined()
})

test('in a mini-program host the POSTs carry its login code', async () => {
  const host = process.env.TARO_ENV
  process.env.TARO_ENV = 'alipay'
  try {
    respond({ status: 202, data: { queryId: 'q1', maskedPhone: '138****5551', status: 'ACCEPTED' } })
    await submitQuery({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true }, KEY)
    expect(request.mock.calls[0][0].header).toMatchObject({ 'Idempotency-Key': KEY, 'X-Yzt-Login': 'alipay:login-code' })
    ;(Taro.login as unknown as jest.Mock).mockImplementationOnce(() => Promise.reject(new Error('login:fail')))
    respond({ status: 202, data: { queryId: 'q1', maskedPhone: '138****5551', status: 'ACCEPTED' } })
    await submitQuery({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true }, KEY)
    expect(request.mock.calls[1][0].header['X-Yzt-Login']).toBeUndefined()
  } finally {
    process.env.TARO_ENV = host
  }
})

test('tries left come through from the error body', async () => {
  respond({ status: 403, data: err('VERIFICATION_FAILED', 'x', { triesLeft: 2 }) })
  const e = await rejection(submitQuery({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true }, KEY))
  expect(e).toMatchObject({ code: 'VERIFICATION_FAILED', triesLeft: 2 })
})
