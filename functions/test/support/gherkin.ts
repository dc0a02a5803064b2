// A tiny Gherkin reader and step runner for CAMARA's .feature files in jest: Feature, Background,
// Scenario (with its @tag), Given/When/Then/And/But steps, # comments. No Scenario Outline or tables:
// CAMARA's files for this API use neither. A step with no definition fails its scenario.
import { readFileSync } from 'node:fs'

export interface Scenario { tag: string, name: string, steps: string[] }
export interface Feature { name: string, background: string[], scenarios: Scenario[] }

const STEP = /^(Given|When|Then|And|But)\s+(.*)$/

export function readFeature (file: string): Feature {
  const feature: Feature = { name: '', background: [], scenarios: [] }
  let steps: string[] | undefined
  let tag = ''
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    if (line.startsWith('@')) { tag = line.split(/\s+/)[0]!.slice(1); continue }
    const head = /^(Feature|Background|Scenario):\s*(.*)$/.exec(line)
    if (head) {
      if (head[1] === 'Feature') feature.name = head[2]!
      else if (head[1] === 'Background') steps = feature.background
      else { const s: Scenario = { tag, name: head[2]!, steps: [] }; feature.scenarios.push(s); steps = s.steps; tag = '' }
      continue
    }
    const step = STEP.exec(line)
    if (!step || !steps) throw new Error(`unreadable line in ${file}: ${line}`)
    steps.push(step[2]!.replace(/\s+/g, ' '))
  }
  return feature
}

export type StepDefinition<C> = [RegExp, (ctx: C, ...args: string[]) => unknown]

/** run the steps in order, each by the one definition whose pattern matches the whole step */
export async function runSteps<C> (ctx: C, steps: readonly string[], definitions: readonly StepDefinition<C>[]): Promise<void> {
  for (const step of steps) {
    const matches = definitions.filter(([pattern]) => pattern.test(step))
    if (matches.length !== 1) throw new Error(`${matches.length} step definitions match: ${step}`)
    const [pattern, run] = matches[0]!
    try {
      await run(ctx, ...pattern.exec(step)!.slice(1))
    } catch (err) {
      (err as Error).message = `step "${step}": ${(err as Error).message}`
      throw err
    }
  }
}
