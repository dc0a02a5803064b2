// The ambient services every step takes: time, randomness, keyed hashes, reversible sealing.

export interface Clock {
  /** epoch milliseconds */
  now (): number
}

export interface Random {
  /** a 6-digit verification code from a CSPRNG */
  code (): string
  /** an unguessable identifier */
  id (): string
}

/** Keyed hashes (HMAC with a secret pepper): the only form in which numbers, suffixes and codes are stored. */
export interface Hasher {
  phone (phone: string): string
  idSuffix (phone: string, idSuffix: string): string
  code (phone: string, code: string): string
  /** a source network or a host-verified user: who is asking */
  requester (id: string): string
  /** what an idempotency key stands for: route and request, never stored in clear */
  fingerprint (value: string): string
}

/** Reversible encryption under a secret key: a case must reach its number by SMS for weeks, never in clear at rest. */
export interface Sealer {
  seal (plain: string): string
  open (sealed: string): string
}
