// The rules a person is told about, defined once: the API enforces them (domain/limits.ts, policy.ts,
// case-rules.ts read these figures) and the mini-program says them (messages.ts builds the sentences).
// Plain values only: the mini-program bundles this file.

const HOUR = 3600

/** the limits a person meets and reads about */
export const PUBLIC_LIMITS = {
  /** accepted queries per number */
  queryDaily: { ceiling: 3, windowSeconds: 24 * HOUR },
  /** resolution cases opened per number */
  caseDaily: { ceiling: 3, windowSeconds: 24 * HOUR },
  /** a query accepted this recently proves the holder for one resolution case, without a fresh code */
  recentVerificationMinutes: 10
} as const

/**
 * Notes go to enterprises as plain text: a link is refused. A scheme, www., or a name (any script:
 * 淘宝.com is a link too) under a common top-level domain; judged on the NFKC-folded note, so full-width
 * letters do not smuggle a link past it.
 */
const NOTE_LINK = /(https?:|www\.|:\/\/|[\p{L}\p{N}-]+\.(com|cn|net|org|top|xyz|io|cc|me|info|vip|shop|site)(?![\p{L}\p{N}]))/iu

export function noteHasLink (note: string): boolean {
  return NOTE_LINK.test(note.normalize('NFKC'))
}
