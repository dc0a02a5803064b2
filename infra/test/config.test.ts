import { resolveConfig } from '../lib/config'

const from = (ctx: Record<string, unknown>) => resolveConfig(key => ctx[key])

test('a bare synth is dev with the mocked enterprises and a stage-named secrets parameter', () => {
  expect(from({})).toMatchObject({ stage: 'dev', mockEnterprises: true, secretsParameter: '/yzt/dev/secrets', smsProvider: 'sns', smsSignature: '【一证通查】' })
})

test('prod has no mocks and insists on real enterprise endpoints', () => {
  expect(() => from({ stage: 'prod' })).toThrow(/enterpriseEndpointTemplate/)
  expect(() => from({ stage: 'prod', enterpriseEndpointTemplate: 'http://partner.example.com/{id}' })).toThrow(/https URL containing \{id\}/)
  expect(from({ stage: 'prod', enterpriseEndpointTemplate: 'https://partner.example.com/{id}' }))
    .toMatchObject({ mockEnterprises: false, secretsParameter: '/yzt/prod/secrets', h5Origin: undefined })
})

test('command-line strings are parsed, and unknown values refused', () => {
  expect(from({ mockEnterprises: 'false', enterpriseEndpointTemplate: 'https://p.example.com/{id}' }).mockEnterprises).toBe(false)
  expect(() => from({ stage: 'staging' })).toThrow(/stage/)
  expect(() => from({ smsProvider: 'twilio' })).toThrow(/smsProvider must be one of sns, aliyun, tencent/)
  expect(from({ smsProvider: 'tencent' }).smsProvider).toBe('tencent')
  expect(() => from({ mockEnterprises: 'no' })).toThrow(/true or false/)
})

test('the carrier check is the subscriber table unless the carriers’ https endpoints are given', () => {
  expect(from({}).carrierGateway).toBe('table')
  const endpoints = { cmcc: 'https://rn.cmcc.example/check', cucc: 'https://rn.cucc.example/check', ctcc: 'https://rn.ctcc.example/check', cbn: 'https://rn.cbn.example/check' }
  expect(from({ carrierGateway: 'http', carrierEndpoints: JSON.stringify(endpoints) })).toMatchObject({ carrierGateway: 'http', carrierEndpoints: endpoints })
  expect(() => from({ carrierGateway: 'http' })).toThrow(/carrierEndpoints/)
  expect(() => from({ carrierGateway: 'http', carrierEndpoints: '{"cmcc":"http://rn.cmcc.example"}' })).toThrow(/cmcc must be an https URL/)
  expect(() => from({ carrierGateway: 'http', carrierEndpoints: '{"unicom":"https://x.example"}' })).toThrow(/unknown carrier unicom/)
  expect(() => from({ carrierGateway: 'ldap' })).toThrow(/table or http/)
})

test('public holidays are real dates, given comma-separated or as an array, and come back sorted without repeats', () => {
  expect(from({}).holidays).toEqual([])
  expect(from({ holidays: '2027-02-05, 2027-01-01,2027-02-05' }).holidays).toEqual(['2027-01-01', '2027-02-05'])
  expect(from({ holidays: ['2028-02-29', '2027-10-01'] }).holidays).toEqual(['2027-10-01', '2028-02-29'])
  expect(() => from({ holidays: '2027-02-30' })).toThrow(/2027-02-30 is not a date/)
  expect(() => from({ holidays: '2027-13-01' })).toThrow(/2027-13-01 is not a date/)
  expect(() => from({ holidays: '2027-2-5' })).toThrow(/not a date \(YYYY-MM-DD\)/)
  expect(() => from({ holidays: '2027/01/01' })).toThrow(/not a date/)
  expect(() => from({ holidays: 20270101 })).toThrow(/holidays must be/)
})

test('the callback base URL is https, without a trailing slash, query or fragment', () => {
  expect(from({}).callbackBaseUrl).toBeUndefined()
  expect(from({ callbackBaseUrl: 'https://api.yzt.example' }).callbackBaseUrl).toBe('https://api.yzt.example')
  expect(from({ callbackBaseUrl: 'https://api.yzt.example/prod' }).callbackBaseUrl).toBe('https://api.yzt.example/prod')
  expect(() => from({ callbackBaseUrl: 'http://api.yzt.example' })).toThrow(/https URL/)
  expect(() => from({ callbackBaseUrl: 'api.yzt.example' })).toThrow(/https URL/)
  expect(() => from({ callbackBaseUrl: 'https://api.yzt.example/' })).toThrow(/trailing|slash/)
  expect(() => from({ callbackBaseUrl: 'https://api.yzt.example?x=1' })).toThrow(/without query/)
})
