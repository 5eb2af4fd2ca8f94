// The README's inputs and outputs tables say what each action.yml says.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { metadata, ROOT, type ActionName } from '../../sim/runner.js'

// CR LF in a Windows checkout must not change what the tables say.
const README = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\r\n/g, '\n')
const SECTIONS: Record<ActionName, string> = {
  wait: '## The wait action',
  upload: '## The upload action',
  switch: '## The switch action'
}

/** The rows of the first table after `heading` within `text`: the cells of each, trimmed. */
function table(text: string, heading: string): string[][] {
  const start = text.indexOf(`${heading}\n`)
  assert.ok(start >= 0, `README has "${heading}"`)
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

function section(action: ActionName): string {
  const start = README.indexOf(SECTIONS[action])
  assert.ok(start >= 0, `README has "${SECTIONS[action]}"`)
  const end = README.indexOf('\n## ', start + 1)
  return README.slice(start, end < 0 ? undefined : end)
}

const unquote = (cell: string): string => cell.replace(/^`|`$/g, '')

for (const action of Object.keys(SECTIONS) as ActionName[]) {
  test(`README tables match ${action}'s action.yml`, () => {
    const meta = metadata(action)
    const inputs = table(section(action), '### Inputs')
    expect(inputs.map((r) => unquote(r[0]))).toEqual(Object.keys(meta.inputs))
    for (const [name, defaultCell] of inputs) {
      const spec = meta.inputs[unquote(name)]
      if (spec.required) assert.equal(defaultCell, 'required', `${name} is required`)
      else assert.equal(unquote(defaultCell).replace(/^''$/, ''), spec.default ?? '', `${name}: default`)
    }
    const outputs = table(section(action), '### Outputs')
    expect(outputs.map((r) => unquote(r[0]))).toEqual(Object.keys(meta.outputs))
  })
}
