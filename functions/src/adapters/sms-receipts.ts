// The delivery reports of each provider, as they arrive on the receipt route, read into one shape.
// No SDK here: the receipt function stays small. Extra fields are tolerated (providers add them),
// every field we read is bounded.
import * as z from 'zod'
import type { ReportedDelivery } from '#domain/receipts'

const id = z.string().min(1).max(64)
const phone = z.string().min(1).max(20)

/** Aliyun SMS "HTTP batch push" of SmsReport: our OutId comes back as out_id, the send's BizId as biz_id */
const AliyunReport = z.object({
  phone_number: phone,
  success: z.boolean(),
  err_code: z.string().max(64).optional(),
  biz_id: id,
  out_id: id
})

/** Tencent Cloud SMS status callback: sid is the send's SerialNo; our SessionContext does not come back */
const TencentReport = z.object({
  mobile: phone,
  nationcode: z.string().max(8).optional(),
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: z.string().max(128).optional(),
  sid: id
})

export const RECEIPT_PROVIDERS = ['aliyun', 'tencent'] as const
export type ReceiptProvider = (typeof RECEIPT_PROVIDERS)[number]

/** at most this many reports per request (Aliyun and Tencent both batch) */
export const MAX_REPORTS = 100

export const ReceiptBatch = z.array(z.unknown()).min(1).max(MAX_REPORTS)

/** the provider's reports in one shape, or undefined when the body is not that provider's format */
export function readReports (provider: ReceiptProvider, body: unknown[]): ReportedDelivery[] | undefined {
  if (provider === 'aliyun') {
    const parsed = z.array(AliyunReport).safeParse(body)
    return parsed.success
      ? parsed.data.map(r => ({ messageId: r.out_id, providerMessageId: r.biz_id, phone: r.phone_number, delivered: r.success }))
      : undefined
  }
  const parsed = z.array(TencentReport).safeParse(body)
  return parsed.success
    ? parsed.data.map(r => ({ providerMessageId: r.sid, phone: `${r.nationcode === '86' || !r.nationcode ? '' : r.nationcode}${r.mobile}`, delivered: r.report_status === 'SUCCESS' }))
    : undefined
}

/** what each provider expects back when it may stop retrying */
export const RECEIPT_ACK: Record<ReceiptProvider, unknown> = {
  aliyun: { code: 0, msg: '接收成功' },
  tencent: { result: 0, errmsg: 'OK' }
}
