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
  phone: z.string().check(z.regex(PHONE_PATTERN))
})
export type AccountCountRequest = z.infer<typeof AccountCountRequest>

export const AccountCountAnswer = z.object({
  /** app id → number of accounts bound to the number; every app of the enterprise */
  accounts: z.record(z.string(), z.number().check(z.int(), z.nonnegative()))
})
export type AccountCountAnswer = z.infer<typeof AccountCountAnswer>

export const EnterpriseError = z.object({ error: z.string() })
