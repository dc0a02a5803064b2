// The mocked enterprises: each answers a signed request with account counts from the seed, or with
// counts derived from the number when the seed does not know it. Fault knobs make them slow,
// failing or garbled on demand.
import { createHash } from 'node:crypto'
import * as z from 'zod'
import type { Catalogue } from '#catalogue/index'
import type { Clock } from '#ports'
import { enterpriseKey, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '#lib/signing'

export const Faults = z.object({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  failRate: z.number().min(0).max(1).default(0),
  malformedRate: z.number().min(0).max(1).default(0)
})
export type Faults = z.input<typeof Faults>

export interface MockEnterprisesConfig {
  catalogue: Catalogue
  masterKey: string
  clock: Clock
  /** phone → app id → count */
  bindings: Record<string, Record<string, number>>
  faults?: Record<string, Faults>
  random?: () => number
}

export interface MockAnswer { status: number, body: string }

const Request = z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/) })

/** Deterministic 0–3 per (number, app): a stable demo for numbers outside the seed. */
export function derivedCount (phone: string, appId: string): number {
  return createHash('sha256').update(`${phone}:${appId}`).digest()[0]! % 4
}

export class MockEnterprises {
  private faults: Record<string, z.output<typeof Faults>> = {}
  /** requests answered, per enterprise (tests and the benchmark read it) */
  readonly served: Record<string, number> = {}

  constructor (private readonly config: MockEnterprisesConfig) {
    for (const [id, f] of Object.entries(config.faults ?? {})) this.setFaults(id, f)
  }

  setFaults (enterpriseId: string, faults: Faults): void {
    this.faults[enterpriseId] = Faults.parse(faults)
  }

  clearFaults (): void { this.faults = {} }

  async answer (enterpriseId: string, headers: Record<string, string | undefined>, body: string): Promise<MockAnswer> {
    const enterprise = this.config.catalogue.enterprises.find(e => e.id === enterpriseId)
    if (!enterprise) return reply(404, { error: 'unknown enterprise' })
    const signed = verifySignature(enterpriseKey(this.config.masterKey, enterpriseId),
      headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], body, this.config.clock.now())
    if (!signed) return reply(401, { error: 'bad or stale signature' })
    let parsed: z.infer<typeof Request>
    try {
      parsed = Request.parse(JSON.parse(body))
    } catch {
      return reply(400, { error: 'bad request' })
    }
    this.served[enterpriseId] = (this.served[enterpriseId] ?? 0) + 1
    const faults = this.faults[enterpriseId]
    const random = this.config.random ?? Math.random
    if (faults?.latencyMs) await new Promise(resolve => setTimeout(resolve, faults.latencyMs))
    if (faults && random() < faults.failRate) return reply(500, { error: 'simulated failure' })
    if (faults && random() < faults.malformedRate) return { status: 200, body: '{"accounts":{"oops"' }
    const seeded = this.config.bindings[parsed.phone]
    const accounts = Object.fromEntries(enterprise.apps.map(app =>
      [app.id, seeded ? seeded[app.id] ?? 0 : derivedCount(parsed.phone, app.id)]))
    return reply(200, { accounts })
  }
}

function reply (status: number, body: unknown): MockAnswer {
  return { status, body: JSON.stringify(body) }
}
