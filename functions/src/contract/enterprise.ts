// The enterprise connector contract: what we send each enterprise and what it must answer.
// The HTTP client, the mocked enterprises, the conformance kit and the OpenAPI document read these.
import * as z from 'zod/mini'
import { PHONE_PATTERN } from './index'

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/

/** answers larger than this (body), or with a larger header block, count as unavailable */
export const MAX_ANSWER_BYTES = 64 * 1024
export const MAX_ANSWER_HEADER_BYTES = 8 * 1024

export const AccountCountRequest = z.object({
  requestId: z.string().check(z.regex(REQUEST_ID_PATTERN)),
  phone: z.string().check(z.regex(PHONE_PATTERN)),
  /**
   * the number was re-issued: its holder has held it since then (ISO 8601). Answer `accountsSince` too:
   * per app, the accounts bound since that moment (the rest predate the holder)
   */
  since: z.optional(z.string())
})
export type AccountCountRequest = z.infer<typeof AccountCountRequest>

export const AccountCountAnswer = z.object({
  /** app id → number of accounts bound to the number; every app of the enterprise */
  accounts: z.record(z.string(), z.number().check(z.int(), z.nonnegative())),
  /** only when the request had `since`: app id → accounts bound since then (≤ accounts) */
  accountsSince: z.optional(z.record(z.string(), z.number().check(z.int(), z.nonnegative())))
})
export type AccountCountAnswer = z.infer<typeof AccountCountAnswer>

export const EnterpriseError = z.object({ error: z.string() })
