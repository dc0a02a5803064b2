// Loopback fakes of the Aliyun and Tencent Cloud SMS HTTP APIs: the real SDKs are pointed at them
// (endpoint override), and each records what it was sent and answers as scripted.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/** what the fake does with the next SendSms: accept, answer a business code, an HTTP error, or drop the connection */
export type Behaviour = 'ok' | 'ok-without-id' | { code: string } | { httpStatus: number, code: string } | 'drop'

export interface FakeCall { headers: http.IncomingHttpHeaders, query: URLSearchParams, body: string }

export interface FakeProvider {
  endpoint: string
  calls: FakeCall[]
  /** behaviours for the next calls, in order; then 'ok' */
  script: Behaviour[]
  close (): Promise<void>
}

type Answer = (b: Exclude<Behaviour, 'drop'>, call: FakeCall, n: number) => { status: number, body: unknown }

async function fake (answer: Answer): Promise<FakeProvider> {
  const calls: FakeCall[] = []
  const script: Behaviour[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const call = { headers: req.headers, query: new URL(req.url ?? '/', 'http://x').searchParams, body: Buffer.concat(chunks).toString('utf8') }
      calls.push(call)
      const b = script.shift() ?? 'ok'
      if (b === 'drop') { req.socket.destroy(); return }
      const { status, body } = answer(b, call, calls.length)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `127.0.0.1:${port}`,
    calls,
    script,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** dysmsapi SendSms: parameters in the query string, ACS3-HMAC-SHA256 signed; business errors come back as HTTP 200 */
export const fakeAliyun = () => fake((b, _call, n) => {
  if (b === 'ok') return { status: 200, body: { Code: 'OK', Message: 'OK', BizId: `biz-${n}`, RequestId: `r${n}` } }
  if (b === 'ok-without-id') return { status: 200, body: { Code: 'OK', Message: 'OK', RequestId: `r${n}` } }
  if ('httpStatus' in b) return { status: b.httpStatus, body: { Code: b.code, Message: b.code, RequestId: `r${n}` } }
  return { status: 200, body: { Code: b.code, Message: b.code, RequestId: `r${n}` } }
})

/** sms 2021-01-11 SendSms: JSON body, TC3-HMAC-SHA256 signed; per-number codes in SendStatusSet, API errors in Response.Error */
export const fakeTencent = () => fake((b, call, n) => {
  const sent = JSON.parse(call.body || '{}') as { PhoneNumberSet?: string[], SessionContext?: string }
  const status = (code: string, serial: string) => ({
    SerialNo: serial, PhoneNumber: sent.PhoneNumberSet?.[0] ?? '', Fee: code === 'Ok' ? 1 : 0, SessionContext: sent.SessionContext ?? '', Code: code, Message: code, IsoCode: 'CN'
  })
  if (b === 'ok') return { status: 200, body: { Response: { SendStatusSet: [status('Ok', `serial-${n}`)], RequestId: `r${n}` } } }
  if (b === 'ok-without-id') return { status: 200, body: { Response: { SendStatusSet: [status('Ok', '')], RequestId: `r${n}` } } }
  if ('httpStatus' in b) return { status: 200, body: { Response: { Error: { Code: b.code, Message: b.code }, RequestId: `r${n}` } } }
  return { status: 200, body: { Response: { SendStatusSet: [status(b.code, '')], RequestId: `r${n}` } } }
})
