// The three bundles chained through their outputs, as a workflow runs them, and each one's errors.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { startSimulator, type Simulator } from '../../sim/simulator.js'
import { makeZip } from '../../sim/zip.js'
import { failure, runAction } from '../../sim/runner.js'
import { assertNoSecrets } from '../helpers/secrets.js'
import { signalTest } from '../helpers/signals.js'

const KEY = 'p1-chain-key-5a1e09bb'
let sim: Simulator
let workspace: string

beforeAll(async () => {
  sim = (await startSimulator()).addKey(KEY)
  sim.uploadScript = {
    statuses: ['queued', 'running', 'job_finished'],
    modelId: 31,
    message: 'retrain finished',
    result: makeZip({ 'metrics.json': '{"auc":0.93}' })
  }
  workspace = mkdtempSync(join(tmpdir(), 'p1-chain-ws-'))
})
afterAll(() => sim.close())

const api = (extra: Record<string, string>): Record<string, string> => ({
  'api-key': KEY,
  'api-url': sim.apiUrl,
  ...extra
})

function dataFile(name: string, content: Buffer | string): string {
  writeFileSync(join(workspace, name), content)
  return name
}

describe('the retrain chain', () => {
  test.concurrent('upload -> wait -> switch, chained through outputs', async () => {
    const csv = Buffer.concat([Buffer.from('x,y,target\n'), Buffer.from(randomBytes(200_000).toString('hex'))])
    const upload = await runAction('upload', api({ file: dataFile('train.csv', csv) }), { workspace })
    assert.equal(upload.code, 0, failure(upload))
    const jobId = upload.outputs.retrain_job_id
    assert.match(jobId, /^rj-/)
    const job = sim.jobs.get(jobId)
    assert.ok(job?.uploaded?.equals(csv), 'the simulator received the file byte for byte')
    assert.equal(job?.uploadName, 'train.csv')
    const asked = sim
      .seen('api', '/v1/external/retrain_jobs/upload_url')
      .filter((r) => r.path.includes('filename=train.csv'))
    assert.equal(asked.length, 1)
    const put = sim.seen('storage', `/uploads/${jobId}/`)
    assert.equal(put.length, 1)
    assert.equal(put[0].headers['x-api-key'], undefined, 'the key never reaches the storage host')
    assert.equal(put[0].headers['content-length'], String(csv.length))
    assert.equal(put[0].headers['content-type'], undefined, 'no content type the signature may not cover')
    assertNoSecrets(upload, KEY, sim, `/uploads/${jobId}/`)

    const wait = await runAction('wait', api({ 'retrain-job-id': jobId, 'poll-interval': '1s', extract: 'true' }), {
      workspace
    })
    assert.equal(wait.code, 0, failure(wait))
    assert.equal(wait.outputs.status, 'job_finished')
    assert.equal(wait.outputs.model_id, '31')
    assert.equal(readFileSync(join(wait.outputs.result_dir, 'metrics.json'), 'utf8'), '{"auc":0.93}')
    assert.equal(sim.seen('storage', `/results/${jobId}/`)[0].headers['x-api-key'], undefined)
    assertNoSecrets(wait, KEY, sim, `/results/${jobId}/`)

    const switched = await runAction('switch', api({ 'retrain-job-id': wait.outputs.retrain_job_id }), { workspace })
    assert.equal(switched.code, 0, failure(switched))
    assert.equal(switched.outputs.retrain_job_id, jobId)
    assert.equal(sim.jobs.get(jobId)?.switched, true)
    assert.match(switched.summary, /succeeded/)
    assertNoSecrets(switched, KEY)
  })

  test.concurrent('upload a zip with evaluation data: the filename tells the API it is a zip', async () => {
    const zip = makeZip({ 'train_src/train.csv': 'a,b\n1,2\n', 'eval_src/eval.csv': 'a,b\n3,4\n' })
    const run = await runAction('upload', api({ file: dataFile('data.zip', zip), filename: 'retrain-2026-11.zip' }), {
      workspace
    })
    assert.equal(run.code, 0, failure(run))
    const job = sim.jobs.get(run.outputs.retrain_job_id)
    assert.ok(job?.uploaded?.equals(zip))
    assert.equal(job?.uploadName, 'retrain-2026-11.zip')
  })

  test.concurrent('a transient PUT failure re-sends the file from its first byte', async () => {
    const other = (await startSimulator()).addKey(KEY)
    other.fault('put', { kind: 'http', status: 503 }, { kind: 'reset' })
    const body = randomBytes(300_000)
    try {
      const run = await runAction(
        'upload',
        { ...api({ file: dataFile('retry.csv', body) }), 'api-url': other.apiUrl },
        { workspace }
      )
      assert.equal(run.code, 0, failure(run))
      const puts = other.seen('storage', '/uploads/')
      assert.equal(puts.length, 3)
      assert.equal(puts[2].bodyBytes, body.length, 'the last try carried the whole file')
      assert.ok(other.jobs.get(run.outputs.retrain_job_id)?.uploaded?.equals(body))
    } finally {
      await other.close()
    }
  })

  signalTest(
    'SIGINT while the upload waits for the storage host: prompt exit; no retrain_job_id, since the retrain never starts',
    async () => {
      const other = (await startSimulator()).addKey(KEY)
      other.fault('put', { kind: 'hang' })
      let signalledAt = 0
      try {
        const run = await runAction(
          'upload',
          { ...api({ file: dataFile('hang.csv', 'a,b\n1,2\n') }), 'api-url': other.apiUrl },
          {
            workspace,
            onSpawn: (child) => {
              const poll = setInterval(() => {
                if (other.seen('storage', '/uploads/').length === 0) return
                clearInterval(poll)
                signalledAt = Date.now()
                child.kill('SIGINT')
              }, 20)
            }
          }
        )
        assert.ok(Date.now() - signalledAt < 1500, `stopped within about a second, took ${Date.now() - signalledAt} ms`)
        assert.notEqual(run.code, 0)
        assert.match(failure(run), /prediction-one upload failed: cancelled by SIGINT/)
        // The job was issued, but its data never arrived: a later wait on it would wait for nothing.
        assert.equal(run.outputs.retrain_job_id, undefined)
        assert.match(run.summary, /rj-\d+-[0-9a-f]+/)
        assert.match(run.summary, /this retrain job will not start/)
        assert.match(run.summary, /cancelled/)
        assertNoSecrets(run, KEY, other)
      } finally {
        await other.close()
      }
    }
  )

  test.concurrent('switch before the job finished: a documented error that says to wait first', async () => {
    sim.addJob('chain-running', { statuses: ['running'] })
    const run = await runAction('switch', api({ 'retrain-job-id': 'chain-running' }))
    assert.equal(run.code, 1)
    assert.match(
      failure(run),
      /"Retrain job is not finished\.": the retrain job has not finished; wait for it first with the wait action/
    )
    // retrain_job_id says which job's model is served: not written when nothing was switched.
    assert.equal(run.outputs.retrain_job_id, undefined)
    assert.match(run.summary, /model switched<\/td><td>no</)
    assert.equal(sim.jobs.get('chain-running')?.switched, false)
  })

  test.concurrent('switch on a failed job: says the job failed, not to wait for it', async () => {
    sim.addJob('chain-failed', { statuses: ['job_failed'], message: 'no target column' })
    const run = await runAction('switch', api({ 'retrain-job-id': 'chain-failed' }))
    assert.equal(run.code, 1)
    assert.match(
      failure(run),
      /retrain job chain-failed ended with status "job_failed" \(no target column\): a failed job's model cannot be served; upload new data to start a new retrain/
    )
    assert.doesNotMatch(failure(run), /wait for it first/)
    // One status check after the refused switch, no more.
    assert.equal(sim.statusChecks('chain-failed').length, 1)
    assert.equal(run.outputs.retrain_job_id, undefined)
    assert.equal(sim.jobs.get('chain-failed')?.switched, false)
    assertNoSecrets(run, KEY)
  })

  test.concurrent('switch: unknown job, deleted prediction API, transient 503', async () => {
    const unknown = await runAction('switch', api({ 'retrain-job-id': 'nope' }))
    assert.equal(unknown.code, 1)
    assert.match(failure(unknown), /Not found retrain job\..*retrain job id is wrong/)

    const other = (await startSimulator()).addKey('p1-nocls-9e2b71d4', 'no_classifier').addKey(KEY)
    other.addJob('j', { statuses: ['job_finished'] }, KEY)
    other.fault('update_model', { kind: 'http', status: 503 })
    try {
      const gone = await runAction('switch', {
        'api-key': 'p1-nocls-9e2b71d4',
        'retrain-job-id': 'j',
        'api-url': other.apiUrl
      })
      assert.equal(gone.code, 1)
      assert.match(failure(gone), /Not found classifier\..*prediction API of this model may have been deleted/)
      // The job must have been checked once to be finished in the simulator's timeline.
      await runAction('wait', { 'api-key': KEY, 'retrain-job-id': 'j', 'api-url': other.apiUrl, download: 'false' })
      const ok = await runAction('switch', { 'api-key': KEY, 'retrain-job-id': 'j', 'api-url': other.apiUrl })
      assert.equal(ok.code, 0, failure(ok))
      assert.equal(ok.outputs.retrain_job_id, 'j')
      assert.equal(other.seen('api', '/v1/external/retrain_jobs/j/update_model').length, 3, '503 retried once')
    } finally {
      await other.close()
    }
  })

  const uploadErrors: [string, string, RegExp][] = [
    ['user_deleted', 'This user may be deleted.', /user that owns this API key may have been deleted/],
    ['model_deleted', 'This model may be deleted.', /model of this API key may have been deleted/],
    [
      'no_config',
      'Not found configuration_file.',
      /5001000201 "Not found configuration_file\.": Prediction One found no retrain configuration/
    ],
    ['inactive', 'Inactive_credential.', /inactive/]
  ]
  for (const [state, message, cause] of uploadErrors) {
    test.concurrent(`upload: documented error "${message}" fails at once with a plain cause`, async () => {
      const key = `upload-${state}-key`
      sim.addKey(key, state as 'user_deleted')
      const run = await runAction(
        'upload',
        { ...api({ file: dataFile(`${state}.csv`, 'a\n1\n') }), 'api-key': key },
        { workspace }
      )
      assert.equal(run.code, 1)
      assert.ok(failure(run).includes(message))
      assert.match(failure(run), cause)
      const asked = sim
        .seen('api', '/v1/external/retrain_jobs/upload_url')
        .filter((r) => r.headers['x-api-key'] === key)
      assert.equal(asked.length, 1, 'not retried, even when carried by a 500')
      assert.equal(run.outputs.retrain_job_id, undefined)
      assertNoSecrets(run, key)
    })
  }

  test.concurrent('upload: a missing or empty file is an input error before any request', async () => {
    const missing = await runAction('upload', api({ file: 'no-such.csv' }), { workspace })
    assert.equal(missing.code, 1)
    assert.match(failure(missing), /input "file": .*no-such\.csv cannot be read \(no such file\)/)
    const empty = await runAction('upload', api({ file: dataFile('empty.csv', '') }), { workspace })
    assert.equal(empty.code, 1)
    assert.match(failure(empty), /input "file": .*empty\.csv is empty/)
    assert.ok(!failure(empty).includes(KEY))
    const asked = sim.seen('api', '/v1/external/retrain_jobs/upload_url').map((r) => r.path)
    assert.ok(!asked.some((path) => /filename=(no-such|empty)\.csv/.test(path)), 'no request for either file')
  })
})
