// The simulator CLI that the repository's self-test workflow starts: it prints what a workflow
// needs, serves one scripted run to the three bundles, and stops cleanly.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, test } from '@jest/globals'
import { failure, ROOT, runAction } from '../../sim/runner.js'
import { assertNoSecrets } from '../helpers/secrets.js'

// A failed check must not leave the simulator serving: it would keep Jest from exiting.
const started: ChildProcess[] = []
afterAll(() => started.forEach((cli) => cli.kill()))

test('npm run sim: one scripted run served to upload, wait (with extract) and switch, then a clean stop', async () => {
  const cli = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim/cli.ts'), '--scenario', 'finished'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.push(cli)
  let out = ''
  cli.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)))
  for (let i = 0; i < 200 && !out.includes('simulator ready'); i++) await new Promise((r) => setTimeout(r, 50))
  const facts = Object.fromEntries(
    out
      .split('\n')
      .filter((line) => /^P1_\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  )
  assert.match(facts.P1_API_URL, /^http:\/\/127\.0\.0\.1:\d+$/)
  const api = { 'api-key': facts.P1_API_KEY, 'api-url': facts.P1_API_URL }

  const workspace = mkdtempSync(join(tmpdir(), 'p1-cli-ws-'))
  writeFileSync(join(workspace, 'train.csv'), 'x,target\n1,0\n2,1\n')
  const upload = await runAction('upload', { ...api, file: 'train.csv' }, { workspace })
  assert.equal(upload.code, 0, failure(upload))
  const jobId = upload.outputs.retrain_job_id
  const wait = await runAction('wait', { ...api, 'retrain-job-id': jobId, 'poll-interval': '1s', extract: 'true' })
  assert.equal(wait.code, 0, failure(wait))
  assert.equal(wait.outputs.status, 'job_finished')
  assert.equal(wait.outputs.model_id, facts.P1_MODEL_ID)
  assert.equal(wait.outputs.result_sha256, facts.P1_RESULT_SHA256)
  const bytes = readFileSync(wait.outputs.result_file)
  assert.equal(createHash('sha256').update(bytes).digest('hex'), facts.P1_RESULT_SHA256)
  assert.equal(readdirSync(wait.outputs.result_dir).sort().join(), 'evaluation.csv,metrics.json')
  const switched = await runAction('switch', { ...api, 'retrain-job-id': wait.outputs.retrain_job_id })
  assert.equal(switched.code, 0, failure(switched))
  assert.equal(switched.outputs.retrain_job_id, jobId)
  for (const run of [upload, wait, switched]) assertNoSecrets(run, facts.P1_API_KEY)

  cli.kill('SIGTERM')
  const code = await exited
  // Windows has no SIGTERM for a child: kill() ends it outright, so a clean stop cannot be seen there.
  if (process.platform !== 'win32') {
    assert.equal(code, 0)
    assert.match(out, /simulator stopped after \d+ requests/)
  }
})
