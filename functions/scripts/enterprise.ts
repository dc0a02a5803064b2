// Onboarding an enterprise, one procedure (README "Onboarding an enterprise"):
//   npm run enterprise -- add --config DOC.json --entry ENTRY.json --endpoint URL (--secrets FILE | --secrets-parameter NAME)
//     writes the configuration entry (validated, paused), issues the enterprise's own key into the
//     secrets, prints what to hand over, and runs the conformance kit against the endpoint: only when
//     every check passes is the enterprise switched on (paused removed); otherwise it stays paused.
//   npm run enterprise -- check ID …   the kit again (once the enterprise has installed its key); on/paused as above
//   npm run enterprise -- rotate ID …  a new key for that enterprise alone; the old one accepted --overlap-hours more
//   npm run enterprise -- pause ID --config DOC.json | resume ID --config DOC.json
// The document is the one the stack deploys (-c enterprisesFile) or the one pushed to AppConfig;
// locally, ENTERPRISES_FILE. The secrets: a local JSON file (YZT_SECRETS_FILE) or the deployment's
// SSM SecureString (read, changed in the one entry, written back).
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { EnterpriseDocument, EnterpriseEntry, parseEnterpriseConfig } from '#infra-shared/enterprise-document'
import { masterKeysOf, Secrets } from '#adapters/secrets'
import { enterpriseKeys } from '#lib/signing'
import { secretFromKey } from '#lib/oauth-clients'
import { formatReport, runConformance, type CheckResult } from '../conformance/kit'

/** how long a rotated-out key is still accepted by default */
export const DEFAULT_OVERLAP_HOURS = 24

export interface SecretsStore {
  read (): Promise<Secrets>
  write (secrets: Secrets): Promise<void>
  describe: string
}

export function fileSecrets (file: string): SecretsStore {
  return {
    describe: file,
    read: async () => Secrets.parse(JSON.parse(fs.readFileSync(file, 'utf8'))),
    write: async secrets => writeAtomically(file, JSON.stringify(Secrets.parse(secrets), null, 2) + '\n', 0o600)
  }
}

/** the deployment's SecureString (the functions re-read it within 5 minutes) */
export function ssmSecrets (name: string): SecretsStore {
  const client = import('@aws-sdk/client-ssm').then(m => ({ m, c: new m.SSMClient({}) }))
  return {
    describe: `SSM ${name}`,
    read: async () => {
      const { m, c } = await client
      const out = await c.send(new m.GetParameterCommand({ Name: name, WithDecryption: true }))
      return Secrets.parse(JSON.parse(out.Parameter?.Value ?? '{}'))
    },
    write: async secrets => {
      const { m, c } = await client
      // overwritten under the key it is encrypted with now (a customer-managed key stays in use)
      const described = await c.send(new m.DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [name] }] }))
      const keyId = described.Parameters?.[0]?.KeyId
      await c.send(new m.PutParameterCommand({ Name: name, Value: JSON.stringify(Secrets.parse(secrets)), Type: 'SecureString', Overwrite: true, ...(keyId && { KeyId: keyId }) }))
    }
  }
}

function writeAtomically (file: string, text: string, mode?: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
  fs.writeFileSync(tmp, text, mode === undefined ? undefined : { mode })
  fs.renameSync(tmp, file)
}

export function readDocument (file: string): EnterpriseDocument {
  return EnterpriseDocument.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
}

/** writes the document only when it is valid as a whole (the same rules the functions and AppConfig apply) */
export function writeDocument (file: string, doc: EnterpriseDocument, deployed: boolean): void {
  parseEnterpriseConfig(doc, deployed ? undefined : 'http://127.0.0.1:3001/enterprises/{id}/account-counts', deployed)
  writeAtomically(file, JSON.stringify(doc, null, 2) + '\n')
}

function newKey (): string {
  return randomBytes(32).toString('hex')
}

export interface Gate { passed: boolean, results: CheckResult[], report: string }

export interface OnboardOptions {
  config: string
  secrets: SecretsStore
  /** runs the kit; tests and the CLI pass the real one */
  kit?: typeof runConformance
  /** the test number the enterprise agreed to */
  phone?: string
  /** every endpoint https (a deployed configuration) */
  deployed?: boolean
  print?: (line: string) => void
}

export interface AddOptions extends OnboardOptions {
  entry: unknown
  /** its account-counts endpoint; number-events and disputes beside it */
  endpoint: string
}

/** add: entry (paused) + own key + hand-over + the kit as the gate */
export async function addEnterprise (options: AddOptions): Promise<Gate & { key: string }> {
  const print = options.print ?? console.log
  const entry = EnterpriseEntry.parse(options.entry)
  const doc = readDocument(options.config)
  if (doc.enterprises.some(e => e.id === entry.id)) throw new Error(`enterprise ${entry.id} is already configured (check, rotate, pause or resume it)`)
  // paused until the kit passes: nothing is asked of it, no notice is sent to it
  writeDocument(options.config, { ...doc, enterprises: [...doc.enterprises, { ...entry, paused: true }], endpoints: { ...doc.endpoints, [entry.id]: options.endpoint } }, options.deployed ?? false)

  const secrets = await options.secrets.read()
  const key = newKey()
  await options.secrets.write({ ...secrets, enterpriseKeys: { ...secrets.enterpriseKeys, [entry.id]: { key } } })
  print(handOver(entry.id, options.endpoint, key))
  return { ...await gate(options, entry.id, options.endpoint, key), key }
}

/** check: the kit against the configured endpoint with the enterprise's key now; switched on when it passes */
export async function checkEnterprise (options: OnboardOptions & { id: string }): Promise<Gate> {
  const { endpoints } = parseEnterpriseConfig(readDocument(options.config), 'http://127.0.0.1:3001/enterprises/{id}/account-counts')
  const endpoint = endpoints[options.id]
  if (!endpoint) throw new Error(`enterprise ${options.id} is not configured`)
  const key = enterpriseKeys(masterKeysOf(await options.secrets.read()), options.id, Date.now()).signing
  return gate(options, options.id, endpoint, key)
}

async function gate (options: OnboardOptions, id: string, endpoint: string, key: string): Promise<Gate> {
  const print = options.print ?? console.log
  const results = await (options.kit ?? runConformance)({ url: endpoint, enterpriseId: id, key, phone: options.phone })
  const report = formatReport({ url: endpoint, enterpriseId: id, phone: options.phone }, results)
  print(report)
  const passed = results.length > 0 && results.every(r => r.ok)
  if (passed) {
    setPaused(options.config, id, false, options.deployed ?? false)
    print(`${id}: the kit passed — switched on in ${options.config}; deploy that configuration (README "Onboarding an enterprise")`)
  } else {
    print(`${id}: stays paused until the kit passes (npm run enterprise -- check ${id} …)`)
  }
  return { passed, results, report }
}

/** rotate: a new own key for this enterprise alone; the one it had (own or derived) still accepted for the overlap */
export async function rotateKey (options: { id: string, config: string, secrets: SecretsStore, overlapHours?: number, now?: number, print?: (line: string) => void }): Promise<string> {
  const print = options.print ?? console.log
  const { endpoints } = parseEnterpriseConfig(readDocument(options.config), 'http://127.0.0.1:3001/enterprises/{id}/account-counts')
  if (!endpoints[options.id]) throw new Error(`enterprise ${options.id} is not configured`)
  const secrets = await options.secrets.read()
  const now = options.now ?? Date.now()
  const old = enterpriseKeys(masterKeysOf(secrets), options.id, now).signing
  const key = newKey()
  const acceptUntil = new Date(now + (options.overlapHours ?? DEFAULT_OVERLAP_HOURS) * 3600_000).toISOString()
  await options.secrets.write({ ...secrets, enterpriseKeys: { ...secrets.enterpriseKeys, [options.id]: { key, previous: { key: old, acceptUntil } } } })
  print(handOver(options.id, endpoints[options.id]!, key))
  print(`the previous key of ${options.id} is accepted until ${acceptUntil}; no other enterprise's key changed`)
  return key
}

export function setPaused (config: string, id: string, paused: boolean, deployed = false): void {
  const doc = readDocument(config)
  if (!doc.enterprises.some(e => e.id === id)) throw new Error(`enterprise ${id} is not configured`)
  const enterprises = doc.enterprises.map(e => {
    if (e.id !== id) return e
    const { paused: _, ...rest } = e
    return paused ? { ...rest, paused: true } : rest
  })
  writeDocument(config, { ...doc, enterprises }, deployed)
}

/** what the enterprise receives, over a channel of its own (never the same mail as the key's purpose) */
export function handOver (id: string, endpoint: string, key: string): string {
  const beside = (name: string) => endpoint.replace(/account-counts$/, name)
  return [
    `Hand over to enterprise "${id}" (the key over a separate, confidential channel):`,
    `  enterprise id (x-yzt-caller of its callbacks): ${id}`,
    `  its key (HMAC-SHA256, hex; signs both ways):   ${key}`,
    `  its OAuth client (CAMARA number recycling): client_id ${id}, client_secret ${secretFromKey(key, id)}`,
    '  our endpoints it must serve:',
    `    account counts   POST ${endpoint}`,
    `    release notices  POST ${beside('number-events')}`,
    `    disputes         POST ${beside('disputes')}`,
    '  our routes it calls (signed with its key): /v1/platform/*, /v1/enterprise-callbacks/*, /v1/enterprise-events/bindings,',
    '    /v1/enterprise-sync/binding-subscriptions; POST /oauth/token then POST /number-recycling/v0.2/check',
    '  the protocol: GET /v1/openapi.json (the enterprise connector API) and docs/ in the repository',
    `  its own check: npm run conformance -- --url ${endpoint} --enterprise ${id} --key-file KEYFILE`
  ].join('\n')
}

const USAGE = `usage:
  npm run enterprise -- add --config DOC --entry ENTRY.json --endpoint URL (--secrets FILE | --secrets-parameter NAME) [--phone N] [--deployed]
  npm run enterprise -- check ID --config DOC (--secrets FILE | --secrets-parameter NAME) [--phone N] [--deployed]
  npm run enterprise -- rotate ID --config DOC (--secrets FILE | --secrets-parameter NAME) [--overlap-hours ${DEFAULT_OVERLAP_HOURS}]
  npm run enterprise -- pause ID --config DOC
  npm run enterprise -- resume ID --config DOC`

async function main (): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      entry: { type: 'string' },
      endpoint: { type: 'string' },
      secrets: { type: 'string' },
      'secrets-parameter': { type: 'string' },
      phone: { type: 'string' },
      'overlap-hours': { type: 'string' },
      deployed: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command, id] = positionals
  if (values.help || !command || !values.config) { console.log(USAGE); return values.help ? 0 : 2 }
  const config = path.resolve(values.config)
  const secrets = (): SecretsStore => {
    if (values.secrets) return fileSecrets(path.resolve(values.secrets))
    if (values['secrets-parameter']) return ssmSecrets(values['secrets-parameter'])
    throw new Error(`${command} needs --secrets FILE or --secrets-parameter NAME\n${USAGE}`)
  }
  const common = { config, phone: values.phone, deployed: values.deployed }
  switch (command) {
    case 'add': {
      if (!values.entry || !values.endpoint) { console.error(USAGE); return 2 }
      const entry: unknown = JSON.parse(fs.readFileSync(path.resolve(values.entry), 'utf8'))
      return (await addEnterprise({ ...common, secrets: secrets(), entry, endpoint: values.endpoint })).passed ? 0 : 1
    }
    case 'check': return id ? ((await checkEnterprise({ ...common, secrets: secrets(), id })).passed ? 0 : 1) : 2
    case 'rotate':
      if (!id) return 2
      await rotateKey({ id, config, secrets: secrets(), overlapHours: values['overlap-hours'] ? Number(values['overlap-hours']) : undefined })
      return 0
    case 'pause':
    case 'resume':
      if (!id) return 2
      setPaused(config, id, command === 'pause', values.deployed)
      console.log(`${id}: ${command === 'pause' ? 'paused' : 'resumed'} in ${config}; deploy that configuration (infra/README.md "Enterprises are configuration")`)
      return 0
    default:
      console.error(USAGE)
      return 2
  }
}

if (require.main === module) {
  main().then(code => process.exit(code), err => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(2)
  })
}
