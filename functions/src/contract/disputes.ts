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

// What the case page shows as the enterprise wrote it must not disguise itself: no control characters
// and no invisible or direction-changing ones (zero-width, bidi overrides and isolates, soft hyphen,
// line separators), which could make a link or a text read as something else.
const HIDDEN = '\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u206F\\uFEFF\\uFFF9-\\uFFFB'
/** several lines allowed */
const VISIBLE_TEXT = new RegExp(`^[^${HIDDEN}]+$`)
/** one line */
const VISIBLE_LINE = new RegExp(`^[^${HIDDEN}\\n]+$`)
/** https, a host in ASCII (an internationalised name in its xn-- form), printable ASCII after it */
const HTTPS_LINK = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][\x21-\x7E]*)?$/

export const DisputeCallback = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('ACKNOWLEDGED') }),
  z.strictObject({
    status: z.literal('RESOLVED'),
    accountsAffected: z.number().check(z.int(), z.nonnegative(), z.lte(1000)),
    action: ResolveAction
  }),
  z.strictObject({
    status: z.literal('NEEDS_USER_ACTION'),
    instructions: bounded(500).check(z.regex(VISIBLE_TEXT, '说明不能包含控制字符或不可见字符')),
    link: bounded(500).check(z.regex(HTTPS_LINK, '链接须为 https，且只含可见的 ASCII 字符'))
  }),
  z.strictObject({
    status: z.literal('REJECTED'),
    reasonCode: bounded(64).check(z.regex(/^[A-Z_]+$/)),
    message: bounded(200).check(z.regex(VISIBLE_LINE, '原因须为一行，且不能包含控制字符或不可见字符'))
  })
])
export type DisputeCallback = z.infer<typeof DisputeCallback>

export const DisputeCallbackResponse = z.object({ itemId: z.string(), status: ItemStatus })
export type DisputeCallbackResponse = z.infer<typeof DisputeCallbackResponse>
