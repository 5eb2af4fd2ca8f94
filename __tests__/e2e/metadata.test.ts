// action.yml files, the code's names and defaults, and the runtime agree.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { ActionInterface } from '../../src/cli/commands.js'
import { BooleanDefaults, Defaults, Inputs } from '../../src/retrain/contract.js'
import { ACTION_YML, metadata, ROOT, type ActionName } from '../../sim/runner.js'

const ACTIONS = Object.keys(ACTION_YML) as ActionName[]

test('the tests run on the Node major that action.yml declares', () => {
  for (const action of ACTIONS) {
    const using = metadata(action).runs.using
    assert.equal(using, 'node24')
    assert.equal(
      process.versions.node.split('.')[0],
      using.replace('node', ''),
      `running on Node ${process.versions.node}`
    )
  }
})

test('.node-version and the Node that npm test installs agree with action.yml', () => {
  const major = metadata('wait').runs.using.replace('node', '')
  assert.equal(readFileSync(join(ROOT, '.node-version'), 'utf8').trim(), major)
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>
  }
  assert.equal(pkg.devDependencies.node.split('.')[0], major)
})

test('each action.yml: branding, a main that exists, a description on every input and output', () => {
  for (const action of ACTIONS) {
    const meta = metadata(action)
    assert.ok(meta.branding?.icon && meta.branding.color, `${action}: branding`)
    assert.ok(existsSync(resolve(dirname(ACTION_YML[action]), meta.runs.main)), `${action}: ${meta.runs.main} exists`)
    for (const [name, spec] of [...Object.entries(meta.inputs), ...Object.entries(meta.outputs)]) {
      assert.ok(spec.description && spec.description.length > 10, `${action}: ${name} has a description`)
    }
  }
})

test('inputs and outputs are the ones the code reads and writes', () => {
  for (const action of ACTIONS) {
    const meta = metadata(action)
    expect(Object.keys(meta.inputs).sort()).toEqual([...ActionInterface[action].inputs].sort())
    expect(Object.keys(meta.outputs).sort()).toEqual([...ActionInterface[action].outputs].sort())
  }
})

test("defaults in action.yml match the code's own", () => {
  const expected: Record<string, string> = {
    [Inputs.ApiUrl]: Defaults.ApiUrl,
    [Inputs.Timeout]: Defaults.Timeout,
    [Inputs.PollInterval]: Defaults.PollInterval,
    [Inputs.RequestTimeout]: Defaults.RequestTimeout
  }
  for (const action of ACTIONS) {
    for (const [name, spec] of Object.entries(metadata(action).inputs)) {
      // The switch is one PUT: its timeout is shorter.
      const wanted = action === 'switch' && name === Inputs.Timeout ? Defaults.SwitchTimeout : expected[name]
      if (name in expected) assert.equal(spec.default, wanted, `${action}: ${name}`)
      if (name === Inputs.ApiKey || name === Inputs.RetrainJobId || name === Inputs.File) {
        assert.equal(spec.required, true, `${action}: ${name} is required`)
      }
    }
  }
})

// The Marketplace's release form refuses a description of 125 characters or more; only the root
// action can be listed, so its name and description speak for the whole retrain.
test('each description is shorter than 125 characters; no placeholder author', () => {
  for (const action of ACTIONS) {
    const meta = parse(readFileSync(ACTION_YML[action], 'utf8')) as { description: string; author?: string }
    assert.ok(meta.description.length < 125, `${action}: description is ${meta.description.length} characters`)
    assert.ok(meta.author === undefined || !/retrain-action|OWNER|TODO/i.test(meta.author), `${action}: author`)
  }
})

test('the listing (the root action) names the whole retrain and says it is not an official Sony product', () => {
  const root = parse(readFileSync(ACTION_YML.wait, 'utf8')) as { name: string; description: string }
  for (const step of ['upload', 'wait', 'switch']) {
    assert.match(root.name, new RegExp(step), `name names ${step}`)
    assert.match(root.description, new RegExp(step), `description names ${step}`)
  }
  assert.match(root.description, /not an official Sony product/i)
})

test('every boolean input of an action.yml is in BooleanDefaults, with its default (the tool derives its flags from it)', () => {
  for (const action of ACTIONS) {
    for (const [name, spec] of Object.entries(metadata(action).inputs)) {
      const isBoolean = spec.default === 'true' || spec.default === 'false'
      assert.equal(name in BooleanDefaults, isBoolean, `${action}: ${name} (default ${spec.default})`)
      if (isBoolean) assert.equal(String(BooleanDefaults[name]), spec.default, `${action}: ${name}`)
    }
  }
})

test("the command-line tool's npm package has the actions' version and no dependencies", () => {
  const read = (path: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>
  const tool = read('cli/package.json')
  assert.equal(tool.version, read('package.json').version, 'npm run release sets both')
  assert.equal(tool.dependencies, undefined)
  assert.equal(tool.private, undefined)
})
