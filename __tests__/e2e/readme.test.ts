// Each README (README.md, README.ja.md): its inputs and outputs tables say what each action.yml says,
// and its workflows work. readmes.test.ts keeps the two READMEs in step.
import assert from 'node:assert/strict'
import { describe, expect, test } from '@jest/globals'
import { parse, parseDocument, stringify } from 'yaml'
import { metadata, type ActionName } from '../../sim/runner.js'
import { actionlint } from '../helpers/actionlint.js'
import { LAYOUT, READMES, otherCiLines, parts, readme, section } from '../helpers/readme.js'

/** The rows of the first table after `heading` within `text`: the cells of each, trimmed. */
function table(text: string, heading: string): string[][] {
  const start = text.indexOf(`${heading}\n`)
  assert.ok(start >= 0, `no "${heading}" in "${text.split('\n')[0]}"`)
  const lines = text.slice(start).split('\n')
  const first = lines.findIndex((l) => l.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim())
    )
  }
  return rows
}

const unquote = (cell: string): string => cell.replace(/^`|`$/g, '')

// Every workflow in the README is one a user can paste: valid YAML, accepted by actionlint, and
// naming only inputs and outputs that exist.
const OURS: Record<string, ActionName> = {
  'OWNER/prediction-one-retrain-action': 'wait',
  'OWNER/prediction-one-retrain-action/upload': 'upload',
  'OWNER/prediction-one-retrain-action/switch': 'switch'
}

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}
interface Job {
  steps?: Step[]
  outputs?: Record<string, string>
}

/** A complete workflow from a block: a list of steps or a map of jobs is wrapped as GitHub would need. */
function asWorkflow(block: string): { jobs: Record<string, Job> } {
  const doc = parseDocument(block, { prettyErrors: true })
  assert.deepEqual(doc.errors.map(String), [], 'valid YAML')
  const value = doc.toJS() as unknown
  if (Array.isArray(value)) return { jobs: { job: { 'runs-on': 'ubuntu-latest', steps: value as Step[] } as Job } }
  const record = value as Record<string, unknown>
  if ('jobs' in record) return record as unknown as { jobs: Record<string, Job> }
  return { jobs: record as Record<string, Job> }
}

/** Fails unless each step using these actions passes only declared inputs and reads only declared outputs. */
function checkUses(block: string): void {
  const { jobs } = asWorkflow(block)
  for (const [jobName, job] of Object.entries(jobs)) {
    const steps = job.steps ?? []
    const actionOf = (id: string): ActionName | undefined => {
      const uses = steps.find((s) => s.id === id)?.uses
      return uses ? OURS[uses.replace(/@.*$/, '')] : undefined
    }
    for (const step of steps) {
      const ours = step.uses ? OURS[step.uses.replace(/@.*$/, '')] : undefined
      if (!ours) continue
      const declared = Object.keys(metadata(ours).inputs)
      for (const input of Object.keys(step.with ?? {})) {
        assert.ok(declared.includes(input), `${jobName}: ${step.uses} has no input "${input}"`)
      }
      for (const [name, spec] of Object.entries(metadata(ours).inputs)) {
        if (spec.required) assert.ok(name in (step.with ?? {}), `${jobName}: ${step.uses} needs "${name}"`)
      }
    }
    const text = JSON.stringify(job)
    for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const action = actionOf(id)
      assert.ok(
        steps.some((s) => s.id === id),
        `${jobName}: no step "${id}"`
      )
      if (action) {
        assert.ok(output in metadata(action).outputs, `${jobName}: ${action} has no output "${output}"`)
      }
    }
    for (const [, needed, output] of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      assert.ok(output in (jobs[needed]?.outputs ?? {}), `${jobName}: job "${needed}" has no output "${output}"`)
    }
  }
}

describe.each(READMES)('%s', (name) => {
  const text = readme(name)
  const layout = LAYOUT[name]

  for (const action of Object.keys(layout.sections) as ActionName[]) {
    test(`tables match ${action}'s action.yml`, () => {
      const meta = metadata(action)
      const inputs = table(section(text, layout.sections[action], name), layout.inputs)
      expect(inputs.map((r) => unquote(r[0]))).toEqual(Object.keys(meta.inputs))
      for (const [input, defaultCell] of inputs) {
        const spec = meta.inputs[unquote(input)]
        if (spec.required) assert.equal(defaultCell, layout.required, `${input} is required`)
        else assert.equal(unquote(defaultCell).replace(/^''$/, ''), spec.default ?? '', `${input}: default`)
      }
      const outputs = table(section(text, layout.sections[action], name), layout.outputs)
      expect(outputs.map((r) => unquote(r[0]))).toEqual(Object.keys(meta.outputs))
    })
  }

  // GitHub workflows: the GitLab CI and Azure Pipelines recipes are checked in recipes.test.ts.
  const [otherFirst, otherLast] = otherCiLines(text, name)
  // A block that starts with "version:" is a Dependabot configuration, not a workflow.
  const isDependabot = (body: string): boolean => body.startsWith('version:')
  const yamlBlocks = (): string[] =>
    parts(text)
      .fences.filter((f) => f.lang === 'yaml' && (f.line < otherFirst || f.line > otherLast))
      .map((f) => f.body)
      .filter((body) => !isDependabot(body))

  test('the Dependabot configuration updates the github-actions ecosystem', () => {
    const configs = parts(text)
      .fences.filter((f) => f.lang === 'yaml' && isDependabot(f.body))
      .map((f) => parse(f.body) as { version: number; updates: { 'package-ecosystem': string }[] })
    expect(configs.map((c) => [c.version, c.updates.map((u) => u['package-ecosystem'])])).toEqual([
      [2, ['github-actions']]
    ])
  })

  test('every yaml block is a valid workflow that actionlint accepts', async () => {
    const blocks = yamlBlocks()
    assert.ok(blocks.length >= 5, `the README has its recipes, found ${blocks.length}`)
    for (const block of blocks) {
      const workflow = asWorkflow(block)
      const source = 'jobs' in (parse(block) as object) ? block : stringify({ on: 'push', ...workflow })
      const problems = (await actionlint(source, 'README.yml')).map((p) => `${p.line}:${p.column} ${p.message}`)
      expect(problems).toEqual([])
    }
  })

  test('each use of these actions names only inputs and outputs that exist', () => {
    for (const block of yamlBlocks()) checkUses(block)
  })
})
