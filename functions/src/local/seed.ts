// Loads the seed's subscribers (the carrier's real-name records) into the Subscribers table.
import type { Runtime } from '#adapters/runtime'
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
