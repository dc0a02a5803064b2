// The carriers' real-name records behind one port. Two adapters: the subscriber table (keyed hashes,
// used locally and in dev) and the carriers' own signed HTTP endpoints, one per carrier, chosen by the
// number's prefix. The HTTP requests are signed like the enterprise requests, with a key per carrier
// derived from the same master key.
import { timingSafeEqual } from 'node:crypto'
import * as z from 'zod'
import { ID_SUFFIX_PATTERN, PHONE_PATTERN } from '#contract/index'
import type { CarrierAnswer, CarrierGateway, Clock, Hasher, Subscriber, SubscriberStore } from '#ports'
import { carrierOf, type CarrierId } from '#domain/carriers'
import { carrierKey, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '#lib/signing'

/**
 * The Subscribers table as the carriers' answer. A hot-path step reads the row in its own batched
 * read and has it judged by `judge` (no request of its own); `check` reads it alone, for everyone else.
 */
export function tableCarrierGateway (subscribers: SubscriberStore, hasher: Hasher): CarrierGateway {
  const judge = (phone: string, idSuffix: string | undefined, row: Subscriber | undefined): CarrierAnswer | undefined => {
    if (!row) return undefined
    const idSuffixMatches = idSuffix !== undefined && sameHash(row.idSuffixHash, hasher.idSuffix(phone, idSuffix))
    return { status: row.status, idSuffixMatches }
  }
  return {
    judge,
    async check (phone, idSuffix) {
      return judge(phone, idSuffix, await subscribers.get(hasher.phone(phone)))
    }
  }
}

export { CARRIERS, carrierOf, type CarrierId } from '#domain/carriers'

export const CarrierRequest = z.object({ phone: z.string().regex(PHONE_PATTERN), idSuffix: z.string().regex(ID_SUFFIX_PATTERN).optional() }).strict()
export const CarrierReply = z.union([
  z.object({ subscriber: z.literal(false) }),
  z.object({ subscriber: z.literal(true), status: z.enum(['active', 'cancelled', 'suspended']), idSuffixMatches: z.boolean() })
])
export type CarrierReply = z.infer<typeof CarrierReply>

export interface HttpCarrierConfig {
  /** per carrier id, the URL of its real-name check */
  endpoints: Partial<Record<CarrierId, string>>
  masterKey: string
  clock: Clock
  timeoutMs?: number
}

export function httpCarrierGateway (config: HttpCarrierConfig): CarrierGateway {
  return {
    async check (phone, idSuffix): Promise<CarrierAnswer | undefined> {
      const carrier = carrierOf(phone)
      const url = carrier && config.endpoints[carrier]
      // a number no carrier we know serves is nobody's subscriber
      if (!carrier || !url) return undefined
      const body = JSON.stringify(idSuffix === undefined ? { phone } : { phone, idSuffix })
      const timestamp = String(config.clock.now())
      const res = await fetch(url, {
        method: 'POST',
        signal: AbortSignal.timeout(config.timeoutMs ?? 3000),
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: sign(carrierKey(config.masterKey, carrier), timestamp, body)
        },
        body
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`carrier ${carrier}: HTTP ${res.status}`)
      let reply: CarrierReply
      try {
        reply = CarrierReply.parse(JSON.parse(text))
      } catch {
        throw new Error(`carrier ${carrier}: malformed answer`)
      }
      return reply.subscriber ? { status: reply.status, idSuffixMatches: reply.idSuffixMatches } : undefined
    }
  }
}

function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
