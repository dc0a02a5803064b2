// A national-scale catalogue for tests: the 8 demo enterprises (the mocks answer for them) and as
// many generated ones as it takes to reach `apps` apps, 4 apps each, labelled like real SMS labels.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import enterprises from '../../src/catalogue/enterprises.json'
import { parseCatalogue, type Catalogue } from '../../src/catalogue/index'

export function bigCatalogueDocument (apps = 200): { enterprises: unknown[] } {
  const demo = enterprises.enterprises
  let left = apps - demo.reduce((n, e) => n + e.apps.length, 0)
  const generated: unknown[] = []
  for (let e = 1; left > 0; e++) {
    const n = Math.min(4, left)
    left -= n
    generated.push({
      id: `gen${e}`,
      name: `测试企业${e}`,
      accountMode: 'independent',
      apps: Array.from({ length: n }, (_, a) => ({ id: `gen${e}a${a}`, label: `应用${e}${'甲乙丙丁'[a]}账号`, initials: `yy${e}${'jybd'[a]}` })),
      guide: { details: ['在App内查看'], unbind: ['在App内解绑'], hotline: '10000', url: 'https://example.com' }
    })
  }
  return { enterprises: [...demo, ...generated] }
}

export function bigCatalogue (apps = 200): Catalogue {
  return parseCatalogue(bigCatalogueDocument(apps))
}

/** the document in a file, for ENTERPRISES_FILE (the local runtime reads the configuration from it) */
export function bigCatalogueFile (apps = 200): string {
  const file = join(mkdtempSync(join(tmpdir(), 'yzt-big-')), 'enterprises.json')
  writeFileSync(file, JSON.stringify(bigCatalogueDocument(apps)))
  return file
}
