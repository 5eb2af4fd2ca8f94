// The upload bundle checks the file before any request: a zip without its two CSVs never starts a
// retrain job; a CSV with an odd row is sent, unchanged, with a warning.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, test } from '@jest/globals'
import { startSimulator, type Simulator } from '../../sim/simulator.js'
import { makeZip } from '../../sim/zip.js'
import { failure, runAction } from '../../sim/runner.js'
import { assertNoSecrets } from '../helpers/secrets.js'

const KEY = 'p1-check-key-7c3d21aa'
let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'p1-check-ws-'))
})

/** A simulator of its own per test, so that its requests are the test's alone. */
async function withSimulator(body: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = (await startSimulator()).addKey(KEY)
  try {
    await body(sim)
  } finally {
    await sim.close()
  }
}

const noEval = makeZip({ 'train_src/train.csv': 'a,b\n1,2\n' })

describe('the upload checks what it is about to send', () => {
  test.concurrent('a zip without eval_src/ is refused, naming what is missing; no request is made', () =>
    withSimulator(async (sim) => {
      writeFileSync(join(workspace, 'no-eval.zip'), noEval)
      const run = await runAction(
        'upload',
        { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'no-eval.zip' },
        { workspace }
      )
      assert.equal(run.code, 1)
      assert.match(
        failure(run),
        /^::error::prediction-one upload failed: input "file": the zip "no-eval\.zip" must hold one CSV under train_src\/ and one under eval_src\/, as the manual describes; it holds no CSV under eval_src\/; nothing was uploaded/
      )
      assert.deepEqual(sim.requests, [], 'no request reached the API or the storage host')
      assert.equal(run.outputs.retrain_job_id, undefined)
      assertNoSecrets(run, KEY)
    })
  )

  test.concurrent('validate: false sends the same zip, byte for byte', () =>
    withSimulator(async (sim) => {
      writeFileSync(join(workspace, 'no-eval-unchecked.zip'), noEval)
      const run = await runAction(
        'upload',
        { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'no-eval-unchecked.zip', validate: 'false' },
        { workspace }
      )
      assert.equal(run.code, 0, failure(run))
      assert.ok(sim.jobs.get(run.outputs.retrain_job_id)?.uploaded?.equals(noEval))
      assert.doesNotMatch(run.stdout, /Checked|::warning::/)
      assert.match(run.summary, /no \(validate: false\)/)
      assertNoSecrets(run, KEY, sim, '/uploads/')
    })
  )

  test.concurrent(
    'a Shift_JIS CSV with a row of another field count is sent unchanged, with a warning naming the line',
    () =>
      withSimulator(async (sim) => {
        // 名前,値,区分 / 東京,1,a / "複数\n行",2 (two fields, one of them over two lines) / 大阪,3,b
        const csv = Buffer.concat([
          Buffer.from('96bc914f2c926c2c8be695aa0d0a938c8b9e2c312c610d0a22', 'hex'),
          Buffer.from('95a190940d0a8d73222c320d0a91e58de32c332c620d0a', 'hex')
        ])
        writeFileSync(join(workspace, 'odd.csv'), csv)
        const run = await runAction('upload', { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'odd.csv' }, { workspace })
        assert.equal(run.code, 0, failure(run))
        assert.ok(sim.jobs.get(run.outputs.retrain_job_id)?.uploaded?.equals(csv), 'the bytes sent are the file’s')
        const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
        assert.deepEqual(warnings, [
          `::warning::check: "odd.csv": 1 of 3 rows have another field count than the header's 3: line 3 (2)`
        ])
        assert.match(run.stdout, /Checked odd\.csv \(\d+ B\): 1 warning\(s\)/)
        assert.match(run.summary, /1 warning\(s\)/)
        assertNoSecrets(run, KEY, sim, '/uploads/')
      })
  )
})
