// SECURITY.md's "Backups and retention" table says which tables are backed up and how they expire:
// it must say what the synthesized template does, for every table, in both stages.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { TABLES } from '@yzt/functions/infra-shared/tables'
import { resourcesOfType, synth, PROD_ENDPOINTS, type Synthesized } from './support/synth'

const doc = fs.readFileSync(path.resolve(__dirname, '../../SECURITY.md'), 'utf8')

function retentionTable (): { table: string, pitr: string, ttl: string }[] {
  const start = doc.indexOf('<!-- retention-table')
  expect(start).toBeGreaterThan(-1)
  const lines = doc.slice(start).split('\n').slice(1)
  const rows = lines.slice(0, lines.findIndex(l => !l.startsWith('|'))).slice(2)
  return rows.map(line => {
    const cells = line.split('|').slice(1, -1).map(c => c.trim())
    return { table: cells[0]!, pitr: cells[2]!, ttl: cells[3]! }
  })
}

function template (s: Synthesized) {
  return resourcesOfType(s, 'AWS::DynamoDB::GlobalTable').map(([, t]) => ({
    table: (t.Properties.TableName as string).replace(/^yzt-\w+-/, ''),
    pitr: t.Properties.Replicas[0].PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ? 'on' : 'off',
    ttl: t.Properties.TimeToLiveSpecification?.Enabled ? t.Properties.TimeToLiveSpecification.AttributeName : '—'
  }))
}

const byName = <T extends { table: string }>(rows: T[]) => [...rows].sort((a, b) => a.table.localeCompare(b.table))

test.each([
  ['dev', () => synth()],
  ['prod', () => synth({ stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS })]
] as const)('the retention table in SECURITY.md matches the %s template (PITR and TTL per table)', (_, make) => {
  const documented = retentionTable()
  expect(documented.map(r => r.table).sort()).toEqual(Object.values(TABLES).map(t => t.name).sort())
  expect(byName(documented)).toEqual(byName(template(make())))
})
