// A carrier's console for the local system, over the same signed interface real carriers call:
//   npm run carrier -- cancel 13800005551 [--at 2026-07-21] [--url http://127.0.0.1:3000]
//   npm run carrier -- reissue 13800005551 --id-suffix 12345X [--at …]
//   npm run carrier -- suspend|activate 13800005551
//   npm run carrier -- readiness 13800005551
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { LIFECYCLE_PATHS } from '#contract/lifecycle'
import { normalisePhone, PHONE_PATTERN } from '#contract/index'
import { loadSecrets } from '#adapters/secrets'
import { carrierOf } from '#domain/carriers'
import { carrierKey, signedRequestHeaders } from '#lib/signing'

const TYPES = { cancel: 'CANCELLED', reissue: 'REISSUED', suspend: 'SUSPENDED', activate: 'ACTIVE' } as const

async function main (): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string', default: 'http://127.0.0.1:3000' }, at: { type: 'string' }, 'id-suffix': { type: 'string' } }
  })
  const [command, rawPhone] = positionals
  const phone = normalisePhone(rawPhone ?? '')
  if (!command || !(command in TYPES || command === 'readiness') || !PHONE_PATTERN.test(phone)) {
    throw new Error('usage: npm run carrier -- cancel|reissue|suspend|activate|readiness PHONE [--at DATE] [--id-suffix XXXXXX] [--url URL]')
  }
  const carrier = carrierOf(phone)
  if (!carrier) throw new Error('this number is in no carrier\'s block')
  const secrets = await loadSecrets()
  const key = carrierKey(secrets.enterpriseKey, carrier)

  const [method, path, body] = command === 'readiness'
    ? ['GET', LIFECYCLE_PATHS.readiness(phone), '']
    : ['POST', LIFECYCLE_PATHS.numberEvents, JSON.stringify({
        events: [{
          eventId: randomUUID(),
          phone,
          type: TYPES[command as keyof typeof TYPES],
          effectiveAt: values.at ?? new Date().toISOString(),
          // the new holder's suffix as it is: the API hashes it on receipt (a carrier holds none of our secrets)
          ...(values['id-suffix'] && { idSuffix: values['id-suffix'].toUpperCase() })
        }]
      })]
  const res = await fetch(values.url + path, {
    method,
    headers: { ...(body && { 'content-type': 'application/json' }), ...signedRequestHeaders(carrier, key, method, path, body, Date.now()) },
    body: body || undefined
  })
  console.log(res.status, JSON.stringify(await res.json(), null, 2))
  if (!res.ok) process.exitCode = 1
}

main().catch(err => { console.error((err as Error).message); process.exit(2) })
