// A carrier's console for the local system, over the same signed interface real carriers call:
//   npm run carrier -- cancel 13800005551 [--at 2026-07-21] [--url http://127.0.0.1:3000]
//   npm run carrier -- reissue 13800005551 --id-suffix 12345X [--at …]
//   npm run carrier -- suspend|activate 13800005551
//   npm run carrier -- readiness 13800005551
// It signs with the runtime's clock (GET /dev/clock), not this machine's: a runtime started with
// YZT_NOW lives at another time, and a signature from outside its window is refused (401).
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import * as z from 'zod'
import { LIFECYCLE_PATHS } from '#contract/lifecycle'
import { normalisePhone, PHONE_PATTERN } from '#contract/index'
import { hmacHasher } from '#adapters/crypto'
import { loadSecrets } from '#adapters/secrets'
import { carrierOf } from '#domain/carriers'
import { carrierKey, signedRequestHeaders } from '#lib/signing'

const TYPES = { cancel: 'CANCELLED', reissue: 'REISSUED', suspend: 'SUSPENDED', activate: 'ACTIVE' } as const
const USAGE = 'usage: npm run carrier -- cancel|reissue|suspend|activate|readiness PHONE [--at DATE] [--id-suffix XXXXXX] [--url URL]'

/** the local runtime's clock; a runtime without the dev route (not local) is on the real one */
export async function runtimeNow (url: string): Promise<number> {
  const res = await fetch(`${url}/dev/clock`).catch(() => undefined)
  if (!res?.ok) return Date.now()
  const { now } = z.object({ now: z.iso.datetime() }).parse(await res.json())
  return Date.parse(now)
}

export async function carrierCommand (argv: string[]): Promise<{ status: number, body: unknown }> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string', default: 'http://127.0.0.1:3000' }, at: { type: 'string' }, 'id-suffix': { type: 'string' } }
  })
  const [command, rawPhone] = positionals
  const phone = normalisePhone(rawPhone ?? '')
  if (!command || !(command in TYPES || command === 'readiness') || !PHONE_PATTERN.test(phone)) throw new Error(USAGE)
  const carrier = carrierOf(phone)
  if (!carrier) throw new Error('this number is in no carrier\'s block')
  const secrets = await loadSecrets()
  const key = carrierKey(secrets.enterpriseKey, carrier)
  const now = await runtimeNow(values.url!)

  const [method, path, body] = command === 'readiness'
    ? ['GET', LIFECYCLE_PATHS.readiness(phone), '']
    : ['POST', LIFECYCLE_PATHS.numberEvents, JSON.stringify({
        events: [{
          eventId: randomUUID(),
          phone,
          type: TYPES[command as keyof typeof TYPES],
          effectiveAt: values.at ?? new Date(now).toISOString(),
          ...(values['id-suffix'] && { idSuffixHash: hmacHasher(secrets.pepper).idSuffix(phone, values['id-suffix'].toUpperCase()) })
        }]
      })]
  const res = await fetch(values.url + path, {
    method,
    headers: { ...(body && { 'content-type': 'application/json' }), ...signedRequestHeaders(carrier, key, method, path, body, now) },
    body: body || undefined
  })
  return { status: res.status, body: await res.json() }
}

if (require.main === module) {
  carrierCommand(process.argv.slice(2)).then(({ status, body }) => {
    console.log(status, JSON.stringify(body, null, 2))
    if (status >= 300) process.exitCode = 1
  }).catch(err => { console.error((err as Error).message); process.exit(2) })
}
