// POST /v1/sms-receipts/{provider}/{token}: the provider's delivery reports. The token is the shared
// secret the operator put in the callback URL (neither provider signs its reports); each report must
// then name a message we sent, the provider's id for it and the same number, or it is refused.
import { timingSafeEqual } from 'node:crypto'
import { runtime, type Runtime } from '#adapters/runtime'
import { RECEIPT_ACK, RECEIPT_PROVIDERS, ReceiptBatch, readReports, type ReceiptProvider } from '#adapters/sms-receipts'
import { AppError } from '#domain/errors'
import { recordDeliveries } from '#domain/receipts'
import { httpRoute } from '#lib/http'

export const makeHandler = (rt: () => Promise<Runtime>) =>
  httpRoute({ status: 200, body: ReceiptBatch, maxBodyBytes: 64 * 1024 }, async ({ body, event }) => {
    const provider = event.pathParameters?.provider as ReceiptProvider
    const deps = await rt()
    const expected = RECEIPT_PROVIDERS.includes(provider) ? (await deps.secrets.get()).sms?.[provider]?.receiptToken : undefined
    // a wrong token and an unconfigured provider look alike: no route here
    if (!expected || !sameSecret(event.pathParameters?.token ?? '', expected)) throw new AppError('NOT_FOUND')
    const reports = readReports(provider, body)
    if (!reports) throw new AppError('INVALID_INPUT', { fields: { body: '不是该服务商的状态报告格式' } })
    // nothing matched a sent message: forged, replayed, or not ours
    if (await recordDeliveries(deps, reports) === 0) throw new AppError('NOT_FOUND')
    return RECEIPT_ACK[provider]
  })

function sameSecret (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export const handler = makeHandler(runtime)
