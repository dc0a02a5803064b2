// The seed format of `npm start --seed FILE`, the demo data and the tests.
import * as z from 'zod'
import { ID_SUFFIX_PATTERN, PHONE_PATTERN } from '#contract/index'
import { EnterpriseDocument } from '#infra-shared/enterprise-document'
import { Faults } from './service'

export const SeedFile = z.object({
  /** the enterprise configuration to run with (scripts/generate-catalogue.ts --seed); default the demo catalogue */
  enterprises: EnterpriseDocument.optional(),
  subscribers: z.array(z.object({
    phone: z.string().regex(PHONE_PATTERN),
    idSuffix: z.string().regex(ID_SUFFIX_PATTERN),
    status: z.enum(['active', 'cancelled', 'suspended'])
  })).default([]),
  bindings: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())).default({}),
  /** phone → app id → the dates its accounts were bound (then the count is their number), for "since" answers */
  bindingDates: z.record(z.string(), z.record(z.string(), z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}/)))).default({}),
  faults: z.record(z.string(), Faults).default({}),
  /** number histories, as the carriers would have reported them (applied through the carrier use case) */
  events: z.array(z.object({
    phone: z.string().regex(PHONE_PATTERN),
    type: z.enum(['CANCELLED', 'REISSUED', 'SUSPENDED', 'ACTIVE']),
    effectiveAt: z.string(),
    /** REISSUED: the new holder's ID suffix, hashed at once */
    idSuffix: z.string().regex(ID_SUFFIX_PATTERN).optional()
  })).default([])
})
export type SeedFile = z.infer<typeof SeedFile>
