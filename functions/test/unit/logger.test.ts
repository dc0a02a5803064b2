import { maskForLog } from '../../src/lib/logger'

const serialise = (value: unknown) => JSON.stringify(value, maskForLog)

test('numbers inside any string are masked', () => {
  expect(serialise({ message: 'sent to 13800005551 and +8613900007777' })).toBe('{"message":"sent to 138****5551 and +86139****7777"}')
})

test('sensitive fields are redacted whatever they hold', () => {
  const line = serialise({ phone: '13800005551', idSuffix: '12345X', code: '123456', recipient: 'x', to: '139', text: '您的验证码为123456' })
  expect(line).not.toMatch(/13800005551|12345X|123456/)
})

test('error codes and other digits survive', () => {
  expect(serialise({ code: 'CODE_INVALID', count: 12345678901234, id: 'a1b2' })).toBe('{"code":"CODE_INVALID","count":12345678901234,"id":"a1b2"}')
})

test('a code inside an SMS text under another key is masked', () => {
  expect(serialise({ detail: '您的验证码为042817，5分钟内有效' })).toBe('{"detail":"您的验证码为******，5分钟内有效"}')
})
