// The README's list of `/dev/faults` knobs is the mocks' fault schema, neither more nor less: a knob
// added to the schema without a word in the README (or a README knob that no longer exists) fails here.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Faults } from '../../src/mock-enterprises/service'

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8')

test('the README names every /dev/faults knob, and no other', () => {
  // the paragraph that documents the route: from its name to the next blank line
  const start = README.indexOf('`POST /dev/faults`')
  expect(start).toBeGreaterThan(-1)
  const paragraph = README.slice(start, README.indexOf('\n\n', start))
  const named = new Set([...paragraph.matchAll(/`([a-z]+[A-Z][A-Za-z]*)`/g)].map(m => m[1]!))
  const knobs = Object.keys(Faults.shape).sort()
  expect(knobs.filter(k => !named.has(k))).toEqual([])
  expect([...named].filter(k => !knobs.includes(k))).toEqual([])
})
