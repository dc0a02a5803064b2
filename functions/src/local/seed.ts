// Loads the seed's subscribers (the carrier's real-name records) into the Subscribers table.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Runtime } from '#adapters/runtime'
import { catalogue as demoCatalogue, parseCatalogue, type Catalogue } from '#catalogue/index'
import type { SeedFile } from '#mock-enterprises/seed'

export async function seedSubscribers (runtime: Runtime, seed: SeedFile): Promise<void> {
  for (const s of seed.subscribers) {
    await runtime.subscribers.put({
      phoneHash: runtime.hasher.phone(s.phone),
      idSuffixHash: runtime.hasher.idSuffix(s.phone, s.idSuffix),
      status: s.status
    })
  }
}

/**
 * A seed may bring its own catalogue (`enterprises`: a configuration document, e.g. 60 generated
 * enterprises from scripts/generate-catalogue.ts --seed): the runtime reads it as ENTERPRISES_FILE
 * (unless one is set) and the mocked enterprises answer for it. Without one: the demo catalogue.
 */
export function seedCatalogue (seed: SeedFile, env: Record<string, string | undefined> | undefined): { catalogue: Catalogue, env: Record<string, string | undefined> | undefined, cleanup: () => Promise<void> } {
  if (!seed.enterprises) return { catalogue: demoCatalogue, env, cleanup: async () => {} }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzt-seed-catalogue-'))
  const file = path.join(dir, 'enterprises.json')
  fs.writeFileSync(file, JSON.stringify(seed.enterprises))
  return {
    catalogue: parseCatalogue({ enterprises: seed.enterprises.enterprises }),
    env: { ...env, ENTERPRISES_FILE: env?.ENTERPRISES_FILE ?? file },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true })
  }
}
