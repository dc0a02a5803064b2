import { IdSuffix, maskPhone, normalisePhone, Phone, SendCodeRequest, SubmitQueryRequest } from '../../src/contract/index'

describe('phone numbers as people type them', () => {
  test.each([
    ['13800005551', '13800005551'],
    ['+86 138 0000 5551', '13800005551'],
    ['+86-138-0000-5551', '13800005551'],
    ['86 13800005551', '13800005551'],
    ['0086 13800005551', '13800005551'],
    ['１３８００００５５５１', '13800005551'],
    ['＋８６　１３８－００００－５５５１', '13800005551'],
    ['(138) 0000 5551', '13800005551']
  ])('%s → %s', (typed, want) => {
    expect(Phone.parse(typed)).toBe(want)
  })

  test.each(['12800005551', '1380000555', '138000055511', '23800005551', '138\u200b00005551', 'abc', ''])('rejects %j', typed => {
    const res = Phone.safeParse(typed)
    expect(res.success).toBe(false)
  })

  test('a number that is not a string is rejected with a Chinese message', () => {
    const res = SendCodeRequest.safeParse({ phone: 13800005551 })
    expect(res.success).toBe(false)
    expect(res.error?.issues[0]?.message).toMatch(/手机号码/)
  })

  test('normalisePhone leaves 11 digits alone', () => {
    expect(normalisePhone('13800005551')).toBe('13800005551')
  })
})

describe('ID suffix', () => {
  test.each([['12345X', '12345X'], ['12345x', '12345X'], ['123456', '123456'], [' 12345x ', '12345X'], ['１２３４５Ｘ', '12345X']])('%j → %s', (typed, want) => {
    expect(IdSuffix.parse(typed)).toBe(want)
  })
  test.each(['1234X5', '12345', '1234567', 'X12345', '12345Y'])('rejects %j', typed => {
    expect(IdSuffix.safeParse(typed).success).toBe(false)
  })
})

describe('query request', () => {
  const ok = { phone: '13800005551', idSuffix: '12345x', code: '１２３４５６', consent: true }
  test('normalises every field', () => {
    expect(SubmitQueryRequest.parse(ok)).toEqual({ phone: '13800005551', idSuffix: '12345X', code: '123456', consent: true })
  })
  test('consent must be exactly true', () => {
    for (const consent of [false, 'true', 1, undefined]) {
      expect(SubmitQueryRequest.safeParse({ ...ok, consent }).success).toBe(false)
    }
  })
  test('extra fields are refused', () => {
    expect(SubmitQueryRequest.safeParse({ ...ok, admin: true }).success).toBe(false)
  })
})

test('masking keeps the first three and last four digits', () => {
  expect(maskPhone('13800005551')).toBe('138****5551')
  expect(maskPhone('123')).toBe('***')
})
