// Writes the OpenAPI documents (generated from the zod schemas) to docs/openapi/, where the README
// links them. A test fails when the committed files differ from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { enterpriseApiDocument } from '../src/contract/openapi/enterprise-api'
import { publicApiDocument } from '../src/contract/openapi/public-api'
import { camaraApiDocument } from '../src/contract/openapi/camara-api'

export const OPENAPI_DIR = path.resolve(__dirname, '../../docs/openapi')

export function openApiFiles (): Record<string, string> {
  return {
    'public.json': JSON.stringify(publicApiDocument(), null, 2) + '\n',
    'enterprise.json': JSON.stringify(enterpriseApiDocument(), null, 2) + '\n',
    'camara-number-recycling.json': JSON.stringify(camaraApiDocument(), null, 2) + '\n'
  }
}

if (require.main === module) {
  mkdirSync(OPENAPI_DIR, { recursive: true })
  for (const [name, text] of Object.entries(openApiFiles())) {
    writeFileSync(path.join(OPENAPI_DIR, name), text)
    console.log(`wrote docs/openapi/${name}`)
  }
}
