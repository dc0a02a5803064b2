// The seed's number histories, applied through the same use case the carriers' signed route calls.
import type { Runtime } from '#adapters/runtime'
import type { NumberEvent } from '#contract/lifecycle'
import { carrierOf } from '#domain/carriers'
import { recordNumberEvents } from '#domain/lifecycle'
import type { SeedFile } from '#mock-enterprises/seed'

export async function seedEvents (runtime: Runtime, events: SeedFile['events']): Promise<void> {
  const byCarrier = new Map<string, NumberEvent[]>()
  events.forEach((e, i) => {
    const carrier = carrierOf(e.phone)
    if (!carrier) throw new Error(`seed event ${i}: ${e.phone.slice(0, 3)}… is in no carrier's number block`)
    byCarrier.set(carrier, [...(byCarrier.get(carrier) ?? []), {
      eventId: `seed-${i}`,
      phone: e.phone,
      type: e.type,
      effectiveAt: e.effectiveAt,
      ...(e.idSuffix && { idSuffix: e.idSuffix })
    }])
  })
  for (const [carrier, batch] of byCarrier) {
    const results = await recordNumberEvents(runtime, carrier, batch)
    const refused = results.find(r => r.outcome === 'REJECTED')
    if (refused) throw new Error(`seed event ${refused.eventId}: ${refused.reason}`)
  }
}
