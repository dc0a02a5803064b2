// The number-lifecycle interfaces: carriers report what happens to a number; platforms (the
// participating enterprises) ask whether a number changed hands. Both are server-to-server and signed.
import * as z from 'zod/mini'
import { IdSuffix, Phone } from './index'

export const MAX_EVENTS_PER_BATCH = 1000
export const MAX_NUMBERS_PER_CHECK = 1000

/** PORTED (携号转网): the number moved to the reporting carrier and keeps its holder */
export const NUMBER_EVENT_TYPES = ['CANCELLED', 'REISSUED', 'SUSPENDED', 'ACTIVE', 'PORTED'] as const
export const NumberEventType = z.enum(NUMBER_EVENT_TYPES)
export type NumberEventType = z.infer<typeof NumberEventType>

const IsoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'))
const Instant = z.string().check(z.refine(s => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), '时间格式应为 ISO 8601'))

export const NumberEvent = z.strictObject({
  /** the carrier's own id for the event: the identical event again changes nothing; other content under it is a CONFLICT */
  eventId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, '事件编号格式不正确')),
  phone: Phone,
  type: NumberEventType,
  /** when the change took effect at the carrier (a date is read as China midnight) */
  effectiveAt: Instant,
  /**
   * REISSUED only: the new holder's ID suffix (last six characters of the ID number), sent over the
   * signed channel; we keep only its keyed hash, so a carrier needs no secret of ours to re-issue
   */
  idSuffix: z.optional(IdSuffix)
})
export type NumberEvent = z.output<typeof NumberEvent>

export const NumberEventsRequest = z.strictObject({
  events: z.array(NumberEvent).check(z.minLength(1, '至少一个事件'), z.maxLength(MAX_EVENTS_PER_BATCH, `每批最多${MAX_EVENTS_PER_BATCH}个事件`))
})
export type NumberEventsRequest = z.output<typeof NumberEventsRequest>

/** DUPLICATE: this very event was recorded before; CONFLICT: its id was used before for other content (not applied) */
export const EVENT_OUTCOMES = ['APPLIED', 'FLAGGED', 'DUPLICATE', 'CONFLICT', 'REJECTED'] as const
export const NumberEventResult = z.object({
  eventId: z.string(),
  outcome: z.enum(EVENT_OUTCOMES),
  reason: z.optional(z.string())
})
export type NumberEventResult = z.infer<typeof NumberEventResult>
export const NumberEventsResponse = z.object({ results: z.array(NumberEventResult) })
export type NumberEventsResponse = z.infer<typeof NumberEventsResponse>

export const ReissueReadiness = z.object({
  maskedPhone: z.string(),
  readiness: z.enum(['READY', 'NOT_READY']),
  /** why not (empty when READY) */
  reasons: z.array(z.string()),
  releasedAt: z.optional(z.string()),
  quietUntil: z.optional(z.string())
})
export type ReissueReadiness = z.infer<typeof ReissueReadiness>

export const NumberChecksRequest = z.strictObject({
  since: IsoDate,
  numbers: z.array(Phone).check(z.minLength(1, '至少一个号码'), z.maxLength(MAX_NUMBERS_PER_CHECK, `每次最多${MAX_NUMBERS_PER_CHECK}个号码`))
})
export type NumberChecksRequest = z.output<typeof NumberChecksRequest>

export const NumberCheck = z.object({
  phone: z.string(),
  /** true: changed hands (released or re-issued) after `since`; false: same holder since then; null: no data */
  reassigned: z.nullable(z.boolean())
})
export type NumberCheck = z.infer<typeof NumberCheck>
export const NumberChecksResponse = z.object({ results: z.array(NumberCheck) })
export type NumberChecksResponse = z.infer<typeof NumberChecksResponse>

/** one released number: when it took effect at the carrier, and when we recorded it (the feed's order) */
export const ReleasedEntry = z.object({ phone: z.string(), effectiveAt: z.string(), recordedAt: z.string() })
export type ReleasedEntry = z.infer<typeof ReleasedEntry>

/** `?date=D`: the numbers we recorded on China day D (a late report lands on the day it arrives) */
export const ReleasedNumbersResponse = z.object({ date: z.string(), numbers: z.array(z.string()), entries: z.array(ReleasedEntry) })
export type ReleasedNumbersResponse = z.infer<typeof ReleasedNumbersResponse>

/**
 * `?since=<cursor>` (empty: from the oldest day kept): what was recorded after the cursor, in that order;
 * pass `next` on the following call; `more`: call again now (otherwise, later)
 */
export const ReleasedFeedResponse = z.object({ entries: z.array(ReleasedEntry), next: z.string(), more: z.boolean() })
export type ReleasedFeedResponse = z.infer<typeof ReleasedFeedResponse>
export const ReleasedNumbersOrFeed = z.union([ReleasedNumbersResponse, ReleasedFeedResponse])

export const PlatformAuditResponse = z.object({
  enterpriseId: z.string(),
  date: z.string(),
  calls: z.array(z.object({ at: z.string(), route: z.string(), numbers: z.number() })),
  /** present when the day holds more calls than one answer: ask again with `&cursor=` this value */
  next: z.optional(z.string())
})
export type PlatformAuditResponse = z.infer<typeof PlatformAuditResponse>

export const LIFECYCLE_PATHS = {
  numberEvents: '/v1/carrier/number-events',
  readiness: (phone: string) => `/v1/carrier/numbers/${encodeURIComponent(phone)}/reissue-readiness`,
  numberChecks: '/v1/platform/number-checks',
  releasedNumbers: (date: string) => `/v1/platform/released-numbers?date=${encodeURIComponent(date)}`,
  releasedSince: (cursor: string) => `/v1/platform/released-numbers?since=${encodeURIComponent(cursor)}`,
  audit: (date: string) => `/v1/platform/audit?date=${encodeURIComponent(date)}`
} as const

/** What every enterprise receives when a number is released: `POST {enterprise}/number-events`. */
export const NumberNotice = z.object({
  /** our id of this notice; the enterprise confirms under it */
  eventId: z.string(),
  phone: z.string(),
  /** RELEASED: clean or freeze its bindings; REISSUED: it already has a new holder (re-issued early), act now */
  event: z.enum(['RELEASED', 'REISSUED']),
  effectiveAt: z.string()
})
export type NumberNotice = z.infer<typeof NumberNotice>
export const NumberNoticeAnswer = z.object({ reference: z.optional(z.string()) })

/** The enterprise's signed confirmation: `POST /v1/enterprise-callbacks/number-events/{eventId}`. */
export const NoticeConfirmation = z.strictObject({
  bindingsRemoved: z.number().check(z.int(), z.nonnegative(), z.maximum(1_000_000)),
  bindingsFrozen: z.number().check(z.int(), z.nonnegative(), z.maximum(1_000_000))
})
export type NoticeConfirmation = z.output<typeof NoticeConfirmation>

export const NOTICE_STATUSES = ['PENDING', 'DELIVERED', 'UNDELIVERED', 'CONFIRMED'] as const
export type NoticeStatus = (typeof NOTICE_STATUSES)[number]
export const NoticeConfirmationResponse = z.object({ eventId: z.string(), status: z.enum(NOTICE_STATUSES) })
export type NoticeConfirmationResponse = z.infer<typeof NoticeConfirmationResponse>

export const noticeCallbackPath = (eventId: string) => `/v1/enterprise-callbacks/number-events/${encodeURIComponent(eventId)}`
