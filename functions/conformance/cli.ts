// npm run conformance -- --url URL --enterprise ID --key-file F [--phone N] [--deadline-ms MS]
// Checks one enterprise endpoint against the enterprise connector API; exits 1 when any check fails.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatReport, runConformance } from './kit'

const USAGE = 'usage: npm run conformance -- --url URL --enterprise ID --key-file FILE [--phone NUMBER] [--deadline-ms MS]'

async function main (): Promise<number> {
  let values: Record<string, string | undefined>
  try {
    ({ values } = parseArgs({
      options: { url: { type: 'string' }, enterprise: { type: 'string' }, 'key-file': { type: 'string' }, phone: { type: 'string' }, 'deadline-ms': { type: 'string' } }
    }))
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const { url, enterprise, 'key-file': keyFile, phone } = values
  if (!url || !enterprise || !keyFile) { console.error(USAGE); return 2 }
  const key = readFileSync(keyFile, 'utf8').trim()
  if (!/^[0-9a-f]{16,}$/i.test(key)) { console.error(`${keyFile}: expected the enterprise's key in hex`); return 2 }
  const options = { url, enterpriseId: enterprise, key, phone, deadlineMs: values['deadline-ms'] ? Number(values['deadline-ms']) : undefined }
  const results = await runConformance(options)
  console.log(formatReport(options, results))
  return results.every(r => r.ok) ? 0 : 1
}

main().then(code => { process.exitCode = code }, err => { console.error(err); process.exitCode = 2 })
