// Log privacy, part 2: the check over everything log-capture.ts recorded during the run.
// A full number is found by its shape; ID suffixes and codes by value (six digits are too common
// to find by shape), from the secrets the hasher saw in clear during this very run.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const CAPTURE_ENV = 'YZT_LOG_CAPTURE_DIR'

/** globalSetup: a fresh folder per run, handed to every worker through the environment */
export function startLogCapture (): string {
  const dir = mkdtempSync(join(tmpdir(), 'yzt-logs-'))
  process.env[CAPTURE_ENV] = dir
  return dir
}

export interface Leak { file: string, line: number, kind: string, excerpt: string }

// letters and digits around a match mean it is part of something longer (a UUID, a sequence number)
const FULL_NUMBER = /(?<![0-9A-Za-z])(?:\+?86)?1[3-9]\d{9}(?![0-9A-Za-z])/g
const CODE_IN_SMS = /验证码为?\s*\d{6}/g

export function findLeaks (dir: string): { leaks: Leak[], lines: number, secrets: number } {
  const files = readdirSync(dir)
  const secrets: { kind: string, value: string }[] = []
  for (const f of files.filter(f => f.startsWith('secrets-'))) {
    for (const row of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const [kind, value] = row.split('\t')
      // a "secret" shorter than 6 characters would match everywhere; the contract never lets one through
      if (kind && value && value.length >= 6 && kind !== 'phone') secrets.push({ kind, value })
    }
  }
  const byValue = new Map(secrets.map(s => [s.value.toUpperCase(), s.kind]))
  const leaks: Leak[] = []
  let lines = 0
  for (const f of files.filter(f => f.startsWith('output-'))) {
    readFileSync(join(dir, f), 'utf8').split('\n').forEach((text, i) => {
      lines++
      const hits: { kind: string, value: string }[] = []
      for (const m of text.matchAll(FULL_NUMBER)) hits.push({ kind: 'full phone number', value: m[0] })
      for (const m of text.matchAll(CODE_IN_SMS)) hits.push({ kind: 'code in an SMS text', value: m[0] })
      for (const m of text.matchAll(/(?<![0-9A-Za-z])\d{5}[\dXx](?![0-9A-Za-z])/g)) {
        const kind = byValue.get(m[0].toUpperCase())
        if (kind) hits.push({ kind, value: m[0] })
      }
      for (const hit of hits) {
        // the report itself must not repeat the secret
        const excerpt = text.split(hit.value).join(`[${hit.kind}]`).slice(0, 200)
        leaks.push({ file: f, line: i + 1, kind: hit.kind, excerpt })
      }
    })
  }
  return { leaks, lines, secrets: secrets.length }
}

/** globalTeardown: throws (and so fails the jest run) when any captured line holds a secret */
export function checkLogCapture (): string {
  const dir = process.env[CAPTURE_ENV]
  if (!dir) throw new Error('log privacy: nothing was captured (YZT_LOG_CAPTURE_DIR unset)')
  const { leaks, lines, secrets } = findLeaks(dir)
  if (leaks.length) {
    const report = leaks.slice(0, 20).map(l => `  ${l.file}:${l.line} ${l.kind}: ${l.excerpt}`).join('\n')
    throw new Error(`log privacy: ${leaks.length} captured log line(s) hold a full number, an ID suffix or a code ` +
      `(logs kept in ${dir}):\n${report}`)
  }
  rmSync(dir, { recursive: true, force: true })
  return `log privacy: ${lines} captured lines checked against ${secrets} secrets seen in clear: none leaked`
}
