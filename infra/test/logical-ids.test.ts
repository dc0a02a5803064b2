// The stack is composed of constructs, but every resource keeps the logical id it had when the stack
// was one constructor: a changed id would make CloudFormation replace the resource (a table with its
// data, a log group, a queue, a stream mapping that would re-read its stream). The ids are pinned here;
// a new resource is added to the fixture on purpose (YZT_PIN_IDS=1 npx jest infra/test/logical-ids.test.ts
// rewrites it; review the diff). The split changed two ids only: the EventBridge invoke permissions of
// the two scheduled functions, which CDK names by the rule's path; replacing a permission loses nothing.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PROD_ENDPOINTS, synth } from './support/synth'

const FIXTURE = path.join(__dirname, 'fixtures/logical-ids.json')
const stages = { dev: synth(), prod: synth({ stage: 'prod', enterpriseEndpointTemplate: PROD_ENDPOINTS }) }
// an AppConfig deployment is named by the content it deploys (a new version, a new deployment: that
// is how the configuration changes), so its id is not pinned; everything else is
const ids = Object.fromEntries(Object.entries(stages).map(([stage, s]) =>
  [stage, Object.entries(s.json.Resources).filter(([, r]) => r.Type !== 'AWS::AppConfig::Deployment').map(([id, r]) => `${r.Type} ${id}`).sort()]))

if (process.env.YZT_PIN_IDS) fs.writeFileSync(FIXTURE, JSON.stringify(ids, null, 2) + '\n')

test.each(Object.keys(stages))('%s: every resource keeps its pinned logical id', stage => {
  const pinned = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, string[]>
  expect(ids[stage]).toEqual(pinned[stage])
})
