// npm run conformance -- --url URL --enterprise ID --key-file F [options]: checks one enterprise's
// connector (account counts, release notices, disputes and their callback) against the enterprise
// connector API; exits 1 when any check fails, 2 on a usage error.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConformanceUsageError, DEFAULT_CALLBACK_WAIT_MS, ENDPOINTS, formatReport, runConformance, type ConformanceOptions, type EndpointName } from './kit'

const USAGE = `usage: npm run conformance -- --url URL --enterprise ID --key-file FILE [options]
  --url URL               the enterprise's account-counts endpoint (…/account-counts)
  --enterprise ID         the enterprise id (x-yzt-caller of its callbacks)
  --key-file FILE         a file holding the enterprise's key, in hex
  --phone NUMBER          the test number every message is about (one the enterprise agreed to; default 13800005551)
  --deadline-ms MS        the account-count answer deadline (default: the protocol's)
  --notices-url URL       the release-notice endpoint (default: --url ending in number-events)
  --disputes-url URL      the dispute desk (default: --url ending in disputes)
  --only LIST             check only these endpoints, comma-separated: ${ENDPOINTS.join(',')}
  --app ID                the app the test dispute is about (default: the first the account-count answer lists)
  --callback-base URL     where the enterprise reaches the kit's callback listener (default: a loopback
                          listener when the dispute desk is on loopback; otherwise the callback check is skipped)
  --callback-port PORT    the local port the listener takes (default: the port of --callback-base)
  --callback-wait-ms MS   how long to wait for the ACKNOWLEDGED callback (default ${DEFAULT_CALLBACK_WAIT_MS})
  --no-callback           skip the callback check
  --subscription-hmac HEX the binding-subscription HMAC your code computes for --phone (binding alerts): checked`

async function main (): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        enterprise: { type: 'string' },
        'key-file': { type: 'string' },
        phone: { type: 'string' },
        'deadline-ms': { type: 'string' },
        'notices-url': { type: 'string' },
        'disputes-url': { type: 'string' },
        only: { type: 'string' },
        app: { type: 'string' },
        'callback-base': { type: 'string' },
        'callback-port': { type: 'string' },
        'callback-wait-ms': { type: 'string' },
        'no-callback': { type: 'boolean' },
        'subscription-hmac': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) { console.log(USAGE); return 0 }
  const text = (name: string) => typeof values[name] === 'string' ? values[name] : undefined
  const url = text('url')
  const enterprise = text('enterprise')
  const keyFile = text('key-file')
  if (!url || !enterprise || !keyFile) { console.error(USAGE); return 2 }
  const number = (name: string): number | undefined => {
    const v = text(name)
    if (v === undefined) return undefined
    if (!/^\d+$/.test(v)) throw new ConformanceUsageError(`--${name} ${v}: expected a whole number`)
    return Number(v)
  }
  try {
    const key = readFileSync(keyFile, 'utf8').trim()
    if (!/^[0-9a-f]{16,}$/i.test(key)) throw new ConformanceUsageError(`${keyFile}: expected the enterprise's key in hex`)
    const only = text('only')?.split(',').map(s => s.trim()).filter(Boolean)
    const unknown = only?.find(e => !(ENDPOINTS as readonly string[]).includes(e))
    if (unknown) throw new ConformanceUsageError(`--only ${unknown}: expected one of ${ENDPOINTS.join(', ')}`)
    const options: ConformanceOptions = {
      url,
      enterpriseId: enterprise,
      key,
      phone: text('phone'),
      deadlineMs: number('deadline-ms'),
      noticesUrl: text('notices-url'),
      disputesUrl: text('disputes-url'),
      endpoints: only as EndpointName[] | undefined,
      appId: text('app'),
      callback: values['no-callback'] ? false : undefined,
      callbackBase: text('callback-base'),
      callbackPort: number('callback-port'),
      callbackWaitMs: number('callback-wait-ms'),
      subscriptionHmac: text('subscription-hmac')
    }
    const results = await runConformance(options)
    console.log(formatReport(options, results))
    return results.every(r => r.ok) ? 0 : 1
  } catch (err) {
    if (!(err instanceof ConformanceUsageError)) throw err
    console.error(`${err.message}\n${USAGE}`)
    return 2
  }
}

main().then(code => { process.exitCode = code }, err => { console.error(err); process.exitCode = 2 })
