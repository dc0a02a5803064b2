// The enterprise side of resolution cases: what we send to POST {enterprise}/disputes and what an
// enterprise calls back with. Apart from the person's contract (./cases) so the mini-program, which
// never speaks it, does not carry it in its main package.
import * as z from 'zod/mini'
import { CaseKind, ItemStatus, ResolveAction } from './cases'

export const DisputeDeadlines = z.object({ acknowledgeBy: z.string(), resolveBy: z.string() })

/** what we send an enterprise for one item (signed like an account-count request) */
export const DisputeRequest = z.object({
  itemId: z.string(),
  phone: z.string(),
  appId: z.string(),
  kind: CaseKind,
  note: z.optional(z.string()),
  callbackUrl: z.string(),
  deadlines: DisputeDeadlines
})
export type DisputeRequest = z.infer<typeof DisputeRequest>

/** the enterprise's 202, signed over the itemId */
export const DisputeAccepted = z.object({ reference: z.string().check(z.minLength(1), z.maxLength(128)) })
export type DisputeAccepted = z.infer<typeof DisputeAccepted>

const bounded = (max: number) => z.string().check(z.minLength(1), z.maxLength(max))

export const DisputeCallback = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('ACKNOWLEDGED') }),
  z.strictObject({
    status: z.literal('RESOLVED'),
    accountsAffected: z.number().check(z.int(), z.nonnegative(), z.lte(1000)),
    action: ResolveAction
  }),
  z.strictObject({
    status: z.literal('NEEDS_USER_ACTION'),
    instructions: bounded(500),
    link: bounded(500).check(z.regex(/^https:\/\/[^\s]+$/, '链接须为 https'))
  }),
  z.strictObject({ status: z.literal('REJECTED'), reasonCode: bounded(64).check(z.regex(/^[A-Z_]+$/)), message: bounded(200) })
])
export type DisputeCallback = z.infer<typeof DisputeCallback>

export const DisputeCallbackResponse = z.object({ itemId: z.string(), status: ItemStatus })
export type DisputeCallbackResponse = z.infer<typeof DisputeCallbackResponse>
