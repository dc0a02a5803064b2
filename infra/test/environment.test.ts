// Each function's environment is its declaration (functions/src/infra-shared/environment.ts): the stack
// sets exactly the variables its flags and tables bring, and the functions' code reads no variable that
// no declaration names (or that only the local runtime, the tests and Lambda itself set).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FUNCTIONS, type FunctionName } from '@yzt/functions/infra-shared/functions'
import { allDeclaredVars, declaredVars, LAMBDA_PROVIDED, LOCAL_ONLY, SET_BY_CODE, type FunctionEnv } from '@yzt/functions/infra-shared/environment'
import { functionId, synth } from './support/synth'

const entries = <T extends object>(o: T) => Object.entries(o) as [keyof T & string, T[keyof T]][]

// a stage that sets every optional value (holidays, a callback URL, the carriers' HTTP endpoints), with the mocked enterprises
const full = synth({
  stage: 'dev',
  holidays: '2027-10-01',
  callbackBaseUrl: 'https://api.yzt.example',
  carrierGateway: 'http',
  carrierEndpoints: JSON.stringify({ cmcc: 'https://rn.cmcc.example', cucc: 'https://rn.cucc.example', ctcc: 'https://rn.ctcc.example' })
})

test.each(entries(FUNCTIONS))('%s is deployed with exactly the variables its definition declares', (name, def) => {
  const env = full.json.Resources[functionId(full, name as FunctionName)]!.Properties.Environment.Variables as Record<string, unknown>
  expect(Object.keys(env).sort()).toEqual(declaredVars(def))
})

test('a function declared without secrets gets neither the parameter nor a marker: nothing reads one', () => {
  const env = full.json.Resources[functionId(full, 'getQuery')]!.Properties.Environment.Variables as Record<string, unknown>
  expect(env.SECRETS_PARAMETER).toBeUndefined()
  expect(env.YZT_SECRETS).toBeUndefined()
  expect(env.YZT_STAGE).toBeUndefined()
})

test('a function\'s environment type names its declared variables and no others (checked by the compiler)', () => {
  const getQuery: FunctionEnv<'getQuery'> = { QUERIES_TABLE: 'Queries', POWERTOOLS_LOG_LEVEL: 'INFO' }
  // @ts-expect-error getQuery sends no SMS: SMS_PROVIDER is not part of its environment
  const sms: FunctionEnv<'getQuery'> = { SMS_PROVIDER: 'sns' }
  const dispatch: FunctionEnv<'dispatchSms'> = { SMS_PROVIDER: 'sns', OUTBOX_TABLE: 'Outbox', SECRETS_PARAMETER: '/p' }
  // @ts-expect-error dispatchSms asks no carrier
  const carrier: FunctionEnv<'dispatchSms'> = { CARRIER_GATEWAY: 'table' }
  expect(Object.keys(getQuery).every(k => declaredVars(FUNCTIONS.getQuery).includes(k))).toBe(true)
  expect(Object.keys(dispatch).every(k => declaredVars(FUNCTIONS.dispatchSms).includes(k))).toBe(true)
  expect(declaredVars(FUNCTIONS.getQuery)).not.toContain(Object.keys(sms)[0])
  expect(declaredVars(FUNCTIONS.dispatchSms)).not.toContain(Object.keys(carrier)[0])
})

/** every `env.NAME`, `env['NAME']`, `process.env.NAME` and `const { NAME… } = env` in the deployed code */
function envReads (): Map<string, string[]> {
  const root = path.join(__dirname, '../../functions/src')
  const found = new Map<string, string[]>()
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      // the local runtime and the mock carriers never run on Lambda
      if (entry.isDirectory()) { if (!['local', 'mock-carriers'].includes(entry.name)) walk(file); continue }
      if (!file.endsWith('.ts')) continue
      const text = fs.readFileSync(file, 'utf8')
      const names = [
        ...[...text.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g)].map(m => m[1]!),
        ...[...text.matchAll(/const \{([^}]*)\} = (?:process\.)?env\b/g)].flatMap(m => [...m[1]!.matchAll(/\b([A-Z][A-Z0-9_]*)\b/g)].map(n => n[1]!))
      ]
      for (const n of names) found.set(n, [...(found.get(n) ?? []), path.relative(root, file)])
    }
  }
  walk(root)
  return found
}

test('the code reads no environment variable that no declaration names', () => {
  const reads = envReads()
  // the scan sees the reads it must: a regex that found nothing would pass anything
  expect([...reads.keys()]).toEqual(expect.arrayContaining(['SECRETS_PARAMETER', 'ENTERPRISES_APPCONFIG_PROFILE', 'YZT_NOW', 'AWS_LAMBDA_FUNCTION_NAME']))
  const known = new Set<string>([...allDeclaredVars(), ...LOCAL_ONLY, ...LAMBDA_PROVIDED, ...SET_BY_CODE])
  const unknown = [...reads].filter(([name]) => !known.has(name)).map(([name, files]) => `${name} (${[...new Set(files)].join(', ')})`)
  expect(unknown).toEqual([])
})

test('every variable listed apart (local-only, set by Lambda, set by the code) is one the code reads, and none is declared for deployment', () => {
  const reads = envReads()
  for (const name of [...LOCAL_ONLY, ...LAMBDA_PROVIDED, ...SET_BY_CODE]) {
    expect(reads.has(name)).toBe(true)
    expect(allDeclaredVars()).not.toContain(name)
  }
})

// The runtime a handler builds follows from its declaration: the full runtime (which reads the secrets
// parameter and refuses on Lambda without it) only where readsSecrets grants it; the store runtime (no
// secret, no enterprise, no carrier, no SMS) where it does not. listEnterprises and getOpenApi build less still.
test.each(entries(FUNCTIONS))('%s builds the runtime its declaration grants', (name, def) => {
  const source = fs.readFileSync(path.join(__dirname, '../../functions', def.entry), 'utf8')
  const binding = /export const handler = makeHandler\((\w+)/.exec(source)?.[1]
  const readsSecrets = 'readsSecrets' in def && def.readsSecrets
  if (binding === 'runtime') expect({ name, readsSecrets }).toEqual({ name, readsSecrets: true })
  if (binding === 'storeRuntime') expect({ name, readsSecrets }).toEqual({ name, readsSecrets: false })
  if (!readsSecrets) expect(source).not.toMatch(/import \{[^}]*\b(runtime|buildRuntime)\b[^}]*\} from '#adapters\/runtime'/)
})
