// The tool as npm users get it (`npx prediction-one-retrain@1 …`): npm pack of cli/ makes a tarball
// that installs into an empty folder with no network, no build and no dependencies, and its bin runs
// a real wait against the simulator.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { ROOT } from '../../sim/runner.js'
import { jsonOf, runTool } from '../../sim/tool-runner.js'
import { withSimulator } from '../helpers/fixture.js'
import { skipIf } from '../helpers/skip.js'
import { assertToolNoSecrets } from '../helpers/tool.js'

const KEY = 'p1-cli-package-key-51c0aa7e'
// npm runs npm test, and names itself: the same npm packs and installs.
const npm = process.env.npm_execpath
const npmTest = skipIf(!npm, 'needs npm: run it through npm test', test)

function runNpm(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [npm ?? '', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

npmTest('npm pack, then npm install --offline into an empty folder, then prediction-one-retrain runs', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'p1-pack-'))
  // cli/'s prepack script puts the bundle in: the one npm test built from src/ (P1_BUNDLES).
  const packed = JSON.parse(runNpm(['pack', '--json', '--pack-destination', scratch], join(ROOT, 'cli'))) as {
    filename: string
    files: { path: string }[]
  }[]
  expect(packed[0].files.map((f) => f.path).sort()).toEqual(['index.js', 'licenses.txt', 'package.json'])
  const manifest = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')) as Record<string, unknown>
  assert.equal(manifest.dependencies, undefined, 'nothing for npx to install but the tool')
  assert.equal(manifest.name, 'prediction-one-retrain')

  const app = join(scratch, 'app')
  mkdirSync(app)
  runNpm(['install', '--offline', '--no-audit', '--no-fund', join(scratch, packed[0].filename)], app)
  expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([
    'prediction-one-retrain'
  ])
  const bin = join(app, 'node_modules', '.bin', 'prediction-one-retrain')
  const command = process.platform === 'win32' ? ['cmd.exe', '/d', '/s', '/c', `${bin}.cmd`] : [bin]
  const help = await runTool(['--help'], { command, cwd: app })
  assert.equal(help.code, 0, help.stderr)
  assert.match(help.stdout, /^prediction-one-retrain \d+\.\d+\.\d+: /)

  await withSimulator(KEY, async (sim) => {
    sim.addJob('j', { statuses: ['job_finished'], modelId: 8, result: Buffer.from('r') })
    const wait = await runTool(['wait', '--retrain-job-id', 'j', '--json'], {
      command,
      cwd: app,
      env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl }
    })
    assert.equal(wait.code, 0, wait.stderr)
    assert.equal(jsonOf(wait).model_id, '8')
    assert.equal(readFileSync(join(app, 'prediction-one', 'j', 'result.zip'), 'utf8'), 'r')
    assertToolNoSecrets(wait, KEY, sim, '/results/j/')
  })
})
