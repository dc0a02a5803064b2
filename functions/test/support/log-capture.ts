// Log privacy, part 1 (a jest setupFile, so it runs in every test file of the functions project):
// tee every byte written to stdout/stderr and every console call (Powertools Logger writes through
// one of the two) to a file per process, and note every number, ID suffix and code that reached the
// keyed hasher in clear: those are the secrets the check at the end of the run looks for.
// Part 2, the check, is log-privacy.ts; it runs in the project's globalTeardown and fails the run.
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { format } from 'node:util'
import * as crypto from '../../src/adapters/crypto'
import type { Hasher } from '#ports'

const dir = process.env.YZT_LOG_CAPTURE_DIR
if (dir) {
  const logFile = join(dir, `output-${process.pid}.log`)
  const secretsFile = join(dir, `secrets-${process.pid}.txt`)
  const append = (file: string, data: string | Uint8Array) => {
    try { appendFileSync(file, data) } catch { /* the run's temp dir is gone: nothing left to check */ }
  }
  const TEE = Symbol.for('yzt.log-capture')
  type Tagged = { [TEE]?: true }

  // streams outlive a test file (in-band runs share them with jest itself): patch once per process
  for (const stream of [process.stdout, process.stderr]) {
    if ((stream as Tagged)[TEE]) continue
    const write = stream.write
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) append(logFile, chunk)
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof stream.write
    ;(stream as Tagged)[TEE] = true
  }

  // jest gives each test file a fresh console that buffers output away from process.stdout
  const c = console as unknown as Record<string, (...a: unknown[]) => void> & Tagged
  if (!c[TEE]) {
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
      const original = c[method]!
      c[method] = function (...args: unknown[]) {
        append(logFile, format(...args) + '\n')
        return original.apply(this, args)
      }
    }
    c[TEE] = true
  }

  // every value the hasher sees in clear is a secret, whichever test or fuzz run produced it
  const seen = new Set<string>()
  const note = (kind: string, value: string) => {
    const key = `${kind}\t${value}`
    if (seen.has(key) || /[\t\n]/.test(value)) return
    seen.add(key)
    append(secretsFile, key + '\n')
  }
  const mod = crypto as { hmacHasher: (pepper: string) => Hasher }
  const original = mod.hmacHasher
  if (!(original as Tagged)[TEE]) {
    const wrapped = (pepper: string): Hasher => {
      const h = original(pepper)
      return {
        phone: phone => { note('phone', phone); return h.phone(phone) },
        idSuffix: (phone, idSuffix) => { note('phone', phone); note('idSuffix', idSuffix); return h.idSuffix(phone, idSuffix) },
        code: (phone, code) => { note('phone', phone); note('code', code); return h.code(phone, code) },
        requester: id => h.requester(id),
        fingerprint: value => h.fingerprint(value)
      }
    }
    ;(wrapped as Tagged)[TEE] = true
    mod.hmacHasher = wrapped
  }
}
