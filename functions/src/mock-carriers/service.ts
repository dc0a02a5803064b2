// A mocked carrier: answers signed real-name checks for the numbers it serves from the seed, and acts
// on its numbers as a real carrier does (cancel, re-issue to a new holder, port in), reporting each act
// to us as a signed number event. It holds its own key only: none of our secrets (pepper, hashes).
import { CarrierRequest, type CarrierReply } from '#adapters/carrier'
import { LIFECYCLE_PATHS, type NumberEvent, type NumberEventsResponse } from '#contract/lifecycle'
import { carrierOf, type CarrierId } from '#domain/carriers'
import type { Clock, SubscriberStatus } from '#ports'
import { carrierKey, SIGNATURE_HEADER, signedRequestHeaders, TIMESTAMP_HEADER, verifyRequest } from '#lib/signing'

export interface MockCarrierSubscriber { phone: string, idSuffix: string, status: SubscriberStatus }

export class MockCarrier {
  private readonly records = new Map<string, MockCarrierSubscriber>()
  private readonly key: string
  private sequence = 0

  constructor (readonly id: CarrierId, masterKey: string, private readonly clock: Clock, subscribers: readonly MockCarrierSubscriber[]) {
    // the one secret a carrier holds: its own signing key
    this.key = carrierKey(masterKey, id)
    for (const s of subscribers) if (carrierOf(s.phone) === id) this.records.set(s.phone, { ...s })
  }

  answer (headers: Record<string, string | string[] | undefined>, body: string): { status: number, body: string } {
    const header = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v }
    if (!verifyRequest([this.key], header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), body, this.clock.now())) {
      return { status: 401, body: '{"error":"bad or stale signature"}' }
    }
    let request
    try {
      request = CarrierRequest.parse(JSON.parse(body))
    } catch {
      return { status: 400, body: '{"error":"bad request"}' }
    }
    const record = this.records.get(request.phone)
    // a number ported in is ours whatever its prefix; one in another carrier's block is not
    if (!record && carrierOf(request.phone) !== this.id) return { status: 404, body: '{"error":"not our number"}' }
    const reply: CarrierReply = record
      ? { subscriber: true, status: record.status, idSuffixMatches: request.idSuffix === record.idSuffix }
      : { subscriber: false }
    return { status: 200, body: JSON.stringify(reply) }
  }

  /** 销号: the number leaves its holder */
  cancel (phone: string): NumberEvent {
    const record = this.records.get(phone)
    if (record) record.status = 'cancelled'
    return this.event(phone, 'CANCELLED')
  }

  /** 放号: the number goes to a new holder; the event carries the holder's ID suffix (we hash it on receipt) */
  reissue (phone: string, idSuffix: string): NumberEvent {
    this.records.set(phone, { phone, idSuffix, status: 'active' })
    return { ...this.event(phone, 'REISSUED'), idSuffix }
  }

  /** 携号转网: the holder brings the number from another carrier; the holder stays */
  portIn (subscriber: MockCarrierSubscriber): NumberEvent {
    this.records.set(subscriber.phone, { ...subscriber })
    return this.event(subscriber.phone, 'PORTED')
  }

  /** reports events to the API over real HTTP, signed with this carrier's key */
  async report (apiUrl: string, events: readonly NumberEvent[]): Promise<{ status: number, body: NumberEventsResponse }> {
    const path = LIFECYCLE_PATHS.numberEvents
    const body = JSON.stringify({ events })
    const res = await fetch(apiUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedRequestHeaders(this.id, this.key, 'POST', path, body, this.clock.now()) },
      body
    })
    return { status: res.status, body: await res.json() as NumberEventsResponse }
  }

  private event (phone: string, type: NumberEvent['type']): NumberEvent {
    return { eventId: `${this.id}-${this.clock.now()}-${++this.sequence}`, phone, type, effectiveAt: new Date(this.clock.now()).toISOString() }
  }
}
