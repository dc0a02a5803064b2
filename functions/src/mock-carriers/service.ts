// A mocked carrier's real-name check: answers signed requests for the numbers it serves from the seed.
import { CarrierRequest, type CarrierReply } from '#adapters/carrier'
import { carrierOf, type CarrierId } from '#domain/carriers'
import type { Clock, SubscriberStatus } from '#ports'
import { carrierKey, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '#lib/signing'

export interface MockCarrierSubscriber { phone: string, idSuffix: string, status: SubscriberStatus }

export class MockCarrier {
  private readonly records = new Map<string, MockCarrierSubscriber>()

  constructor (readonly id: CarrierId, private readonly masterKey: string, private readonly clock: Clock, subscribers: readonly MockCarrierSubscriber[]) {
    for (const s of subscribers) if (carrierOf(s.phone) === id) this.records.set(s.phone, s)
  }

  answer (headers: Record<string, string | string[] | undefined>, body: string): { status: number, body: string } {
    const header = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v }
    if (!verifyRequest([carrierKey(this.masterKey, this.id)], header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), body, this.clock.now())) {
      return { status: 401, body: '{"error":"bad or stale signature"}' }
    }
    let request
    try {
      request = CarrierRequest.parse(JSON.parse(body))
    } catch {
      return { status: 400, body: '{"error":"bad request"}' }
    }
    if (carrierOf(request.phone) !== this.id) return { status: 404, body: '{"error":"not our number"}' }
    const record = this.records.get(request.phone)
    const reply: CarrierReply = record
      ? { subscriber: true, status: record.status, idSuffixMatches: request.idSuffix === record.idSuffix }
      : { subscriber: false }
    return { status: 200, body: JSON.stringify(reply) }
  }
}
