// The result code of a summary-form result SMS: 8 characters of the ticket alphabet (no 0/O, 1/I/L
// to misread), bound to one query, valid 24 hours, stored only as a keyed hash of number and code.
import { randomInt } from 'node:crypto'
import { RESULT_CODE_ALPHABET as ALPHABET } from '#contract/details'
import type { Hasher } from '#ports'

export const RESULT_CODE_LENGTH = 8
export const RESULT_CODE_TTL_SECONDS = 24 * 3600

/** 32^8 ≈ 1.1 × 10^12 codes from a CSPRNG */
export function newResultCode (pick: (n: number) => number = randomInt): string {
  let code = ''
  for (let i = 0; i < RESULT_CODE_LENGTH; i++) code += ALPHABET[pick(ALPHABET.length)]
  return code
}

/** keyed with the number: a code read off one phone opens nothing for another number */
export function resultCodeHash (hasher: Hasher, phone: string, code: string): string {
  return hasher.fingerprint(`result-code\0${phone}\0${code.toUpperCase()}`)
}
