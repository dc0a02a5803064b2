// The READMEs restate facts declared in code (routes, functions, stream consumers). These tests hold the
// prose to the declarations, so a route or a consumer setting cannot change without its documentation.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FUNCTIONS, type FunctionName, type StreamFunctionName } from '../../src/infra-shared/functions'
import { ROUTES } from '../../src/infra-shared/routes'
import { TABLES } from '../../src/infra-shared/tables'

const read = (file: string) => fs.readFileSync(path.resolve(__dirname, '../../..', file), 'utf8')
const readme = read('README.md')
const infraReadme = read('infra/README.md')

/** the cells of every Markdown table row */
const tableRows = (doc: string) => doc.split('\n').filter(l => l.startsWith('|')).map(l => l.split('|').slice(1, -1).map(c => c.trim()))
/** every `METHOD /path` in a cell, without its query string */
const routesIn = (cell: string) => [...cell.matchAll(/`(GET|POST) ([^`?\s]+)[^`]*`/g)].map(m => `${m[1]} ${m[2]}`)

const declared = ROUTES.map(r => `${r.method} ${r.path}`).sort()
const streamConsumers = (Object.keys(FUNCTIONS) as FunctionName[]).filter((n): n is StreamFunctionName => 'streamFrom' in FUNCTIONS[n])

describe('README.md', () => {
  test('its route tables name every route of ROUTES, method and path, and no other', () => {
    const documented = tableRows(readme).flatMap(cells => routesIn(cells[0] ?? ''))
    expect([...new Set(documented)].sort()).toEqual(declared)
  })

  test('the redrive command names every stream consumer it accepts', () => {
    const line = /npm run redrive -- --stage S \[--function ([\w|]+)\]/.exec(readme)
    expect(line).not.toBeNull()
    expect(line![1]!.split('|').sort()).toEqual([...streamConsumers].sort())
  })
})

describe('infra/README.md', () => {
  test('its route table pairs every route of ROUTES with its function, and nothing else', () => {
    const documented = tableRows(infraReadme)
      .filter(cells => cells.length === 2 && cells[1]! in FUNCTIONS)
      .flatMap(([routes, fn]) => routesIn(routes!).map(r => `${r} → ${fn}`))
    expect(documented.sort()).toEqual(ROUTES.map(r => `${r.method} ${r.path} → ${r.fn}`).sort())
  })

  test('the stream consumers sentence gives each consumer its table, batch, parallelisation, retries and maximum age', () => {
    const said = /Stream consumers[^\n]*\n((?:`\w+` \([^)]*\)[,.]\n?)+)/.exec(infraReadme)
    expect(said).not.toBeNull()
    const ageSeconds = (words: string) => words === 'an hour' ? 3600 : Number(/^(\d+) minutes$/.exec(words)?.[1]) * 60
    const documented = [...said![1]!.matchAll(/`(\w+)` \((\w+): (\d+) records a batch, (\d+) batches a shard, (\d+) retries, given up after ([\w ]+)\)/g)]
      .map(m => ({ fn: m[1], table: m[2], batchSize: Number(m[3]), parallelizationFactor: Number(m[4]), retryAttempts: Number(m[5]), maxRecordAgeSeconds: ageSeconds(m[6]!) }))
    const code = streamConsumers.map(fn => {
      const def = FUNCTIONS[fn]
      const { batchSize, parallelizationFactor, retryAttempts, maxRecordAgeSeconds } = def.consumer
      return { fn, table: TABLES[def.streamFrom].name, batchSize, parallelizationFactor, retryAttempts, maxRecordAgeSeconds }
    })
    expect(documented).toEqual(code)
  })
})
