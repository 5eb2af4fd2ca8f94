// The wait action's bundle, run as the runner runs it, against the simulator.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { startSimulator, type ErrorShape, type Simulator } from '../../sim/simulator.js'
import { makeZip } from '../../sim/zip.js'
import { failure, runAction } from '../../sim/runner.js'
import { simulatorFixture } from '../helpers/fixture.js'
import { assertNoSecrets } from '../helpers/secrets.js'

const KEY = 'p1-test-key-3f9c2a7b'
const fixture = simulatorFixture(KEY)
const inputs = fixture.waitInputs

describe('wait action, end to end', () => {
  test.concurrent(
    'happy path: polls to job_finished, downloads the binary result intact, sets every output',
    async () => {
      // Every byte value, and a CR LF pair: a text-mode write (the manual's example) would corrupt it.
      const result = Buffer.concat([
        Buffer.from('PK\u0003\u0004'),
        Buffer.from([...Array(256).keys()]),
        Buffer.from('\r\n\x00\xff'),
        randomBytes(300_000)
      ])
      fixture.sim.addJob('job-ok', {
        statuses: ['queued', 'running', 'running', 'job_finished'],
        modelId: 4242,
        message: 'done',
        result
      })
      const run = await runAction('wait', inputs('job-ok'))
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.equal(run.outputs.status, 'job_finished')
      assert.equal(run.outputs.model_id, '4242')
      assert.equal(run.outputs.message, 'done')
      assert.equal(run.outputs.retrain_job_id, 'job-ok')
      const expectedPath = join(run.runnerTemp, 'prediction-one', 'job-ok', 'result.zip')
      assert.equal(run.outputs.result_file, expectedPath)
      expect(readFileSync(expectedPath)).toEqual(result)
      assert.equal(run.outputs.result_sha256, createHash('sha256').update(result).digest('hex'))
      expect(readdirSync(join(run.runnerTemp, 'prediction-one', 'job-ok'))).toEqual(['result.zip'])
      // 4 checks at a 1 s interval: about 3 s.
      const checks = fixture.sim.statusChecks('job-ok')
      assert.equal(checks.length, 4)
      // The schedule is fixed-rate: a check that reached the server late is followed by one on time,
      // so a gap is the interval less the lateness of the one before (a busy machine's 50-100 ms).
      for (let i = 1; i < checks.length; i++) {
        const gap = checks[i].atMs - checks[i - 1].atMs
        assert.ok(gap >= 800 && gap < 2500, `checks about 1 s apart, saw ${gap} ms`)
      }
      const span = checks[checks.length - 1].atMs - checks[0].atMs
      assert.ok(span >= 2900, `three intervals from the first check to the last, saw ${span} ms`)
      assert.ok(checks.every((r) => r.headers['x-api-key'] === KEY))
      const downloads = fixture.sim.seen('storage', '/results/job-ok/')
      assert.equal(downloads.length, 1)
      assert.equal(downloads[0].headers['x-api-key'], undefined, 'the key never goes to the storage host')
      // One log line per status change, not per poll.
      const statusLines = run.stdout.split('\n').filter((l) => l.includes('retrain job job-ok is "'))
      expect(statusLines.map((l) => /is "([^"]+)"/.exec(l)?.[1])).toEqual(['queued', 'running', 'job_finished'])
      assert.match(run.summary, /job-ok/)
      assert.match(run.summary, /4242/)
      assert.match(run.summary, /result\.zip/)
      assert.match(run.summary, new RegExp(run.outputs.result_sha256))
      assert.match(run.summary, /status checks<\/td><td>4</)
      // Where the time went: queued for about 1 s, running for about 2 s, then finished.
      assert.match(run.summary, /Timeline of the retrain job/)
      assert.match(run.summary, /<td>queued<\/td><td>\+\d+ms<\/td><td>\d+m?s<\/td>/)
      assert.match(run.summary, /<td>running<\/td><td>\+\d+m?s<\/td><td>\d+m?s<\/td>/)
      assert.match(run.summary, /<td>job_finished<\/td><td>\+\d+s<\/td><td>at least 0ms<\/td>/)
      assertNoSecrets(run, KEY, fixture.sim, '/results/job-ok/')
    }
  )

  const documented: [string, (sim: Simulator) => string, RegExp][] = [
    ['invalid_api_key.', () => 'no-such-key', /does not exist; check the secret/],
    ['Inactive_credential.', (s) => (s.addKey('inactive-key', 'inactive'), 'inactive-key'), /inactive; issue a new/],
    [
      'Not_found_credential.',
      (s) => (s.addKey('revoked-key', 'not_found'), 'revoked-key'),
      /not found; check the secret/
    ],
    ['Not found retrain job.', () => KEY, /retrain job id is wrong/],
    ['This job may be deleted.', (s) => (s.addJob('job-deleted', { deleted: true }, KEY), KEY), /upload the data again/]
  ]
  for (const [message, setup, cause] of documented) {
    test.concurrent(`documented error "${message}": fails at once, with the API's text and what to do`, async () => {
      const key = setup(fixture.sim)
      const jobId =
        message === 'This job may be deleted.'
          ? 'job-deleted'
          : message === 'Not found retrain job.'
            ? 'no-such-job'
            : `job-keyerr-${message.slice(0, 5)}`
      const run = await runAction('wait', { ...inputs(jobId), 'api-key': key })
      assert.equal(run.code, 1)
      const error = failure(run)
      assert.ok(error.includes(message), error)
      assert.match(error, cause)
      assert.match(error, /^::error::prediction-one wait failed: /)
      assert.equal(fixture.sim.statusChecks(jobId).filter((r) => r.headers['x-api-key'] === key).length, 1, 'no retry')
      assert.equal(run.outputs.retrain_job_id, jobId, 'known outputs are written on failure')
      assert.equal(run.outputs.status, undefined)
      assert.match(run.summary, /failed/)
      assertNoSecrets(run, key, fixture.sim, `/results/${jobId}/`)
    })
  }

  const shapes: [string, ErrorShape][] = [
    ['code as a string, nested in an array, on HTTP 200', { httpStatus: 200, codeAsString: true, nesting: 'array' }],
    ['a top-level array on HTTP 403', { httpStatus: 403, codeAsString: false, nesting: 'top-array' }],
    ['nested in an object on HTTP 500 (not retried)', { httpStatus: 500, codeAsString: true, nesting: 'object' }]
  ]
  for (const [name, shape] of shapes) {
    test.concurrent(`a documented error in another wire shape is still recognised: ${name}`, async () => {
      const other = (await startSimulator()).addKey(KEY)
      other.errorShape = shape
      try {
        const run = await runAction('wait', { ...inputs('missing'), 'api-url': other.apiUrl })
        assert.equal(run.code, 1)
        assert.match(failure(run), /Not found retrain job\..*retrain job id is wrong/)
        assert.equal(other.seen('api').length, 1, 'one request: a documented error is never retried')
      } finally {
        await other.close()
      }
    })
  }

  test.concurrent(
    'a failure status fails the step, naming the status and the API message; outputs still set',
    async () => {
      fixture.sim.addJob('job-fail', {
        statuses: ['running', 'job_failed'],
        modelId: 77,
        message: 'training data has no target column'
      })
      const run = await runAction('wait', inputs('job-fail'))
      assert.equal(run.code, 1)
      assert.match(failure(run), /ended with status "job_failed": training data has no target column/)
      assert.equal(run.outputs.status, 'job_failed')
      assert.equal(run.outputs.message, 'training data has no target column')
      assert.equal(run.outputs.model_id, '77')
      assert.equal(run.outputs.result_file, undefined)
      assert.match(run.summary, /failed/)
      assert.match(run.summary, /job_failed/)
    }
  )

  // The fake-clock unit tests (poll.test.ts) pin the exact schedule, the last sleep cut to the
  // deadline included. These run real processes on a busy machine, where a process or the simulator
  // may stall for a second: they check what holds however the processes are scheduled.
  test.concurrent('timeout: fails naming the timeout and the last status, about when the deadline passes', async () => {
    fixture.sim.addJob('job-slow', { statuses: ['running'] })
    const run = await runAction('wait', inputs('job-slow', { timeout: '2500ms' }))
    assert.equal(run.code, 1)
    assert.match(failure(run), /timed out after [34]s \(timeout\).*last status seen was "running" after \d+ checks?/)
    assert.equal(run.outputs.status, 'running')
    assert.ok(fixture.sim.statusChecks('job-slow').length >= 2, 'checked at every interval')
    assert.ok(run.durationMs < 6000, `ended ${run.durationMs} ms after the start, with a 2.5 s timeout`)
  })

  test.concurrent('a job that finishes just before the deadline is not lost', async () => {
    // Finishes 4 s after the first check; the deadline is 5 s after the action started. Checks at
    // about 0 and 3 s see it running; the sleep cut to the deadline finds it finished, where a
    // full interval would have checked at 6 s, past the deadline.
    fixture.sim.addJob('job-just', {
      timeline: [
        { atMs: 0, status: 'running' },
        { atMs: 4000, status: 'job_finished' }
      ],
      result: Buffer.from('x')
    })
    const run = await runAction('wait', inputs('job-just', { timeout: '5s', 'poll-interval': '3s' }))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.status, 'job_finished')
    const checks = fixture.sim.statusChecks('job-just')
    const last = checks[checks.length - 1].atMs - checks[0].atMs
    assert.ok(last >= 4000, `the finishing check came after the job finished, ${last} ms after the first`)
  })

  test.concurrent('wait: false checks once, reports the status and succeeds', async () => {
    fixture.sim.addJob('job-nowait', { statuses: ['running', 'job_finished'] })
    const run = await runAction('wait', inputs('job-nowait', { wait: 'false' }))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.status, 'running')
    assert.equal(run.outputs.result_file, undefined)
    assert.equal(fixture.sim.statusChecks('job-nowait').length, 1, 'one check, no wait')
  })

  test.concurrent('wait: false on a job that already finished downloads its result', async () => {
    fixture.sim.addJob('job-nowait-done', { statuses: ['job_finished'], modelId: 8, result: Buffer.from('done') })
    const run = await runAction('wait', inputs('job-nowait-done', { wait: 'false' }))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.status, 'job_finished')
    assert.equal(readFileSync(run.outputs.result_file, 'utf8'), 'done')
  })

  test.concurrent('wait: false still fails on a failure status', async () => {
    fixture.sim.addJob('job-nowait-failed', { statuses: ['job_failed'], message: 'bad data' })
    const run = await runAction('wait', inputs('job-nowait-failed', { wait: 'false' }))
    assert.equal(run.code, 1)
    assert.match(failure(run), /job_failed.*bad data/)
  })

  test.concurrent('a finished job without download_url succeeds with a warning and no result file', async () => {
    fixture.sim.addJob('job-nourl', {
      statuses: ['job_finished'],
      modelId: 5,
      noDownloadUrl: true,
      result: Buffer.from('x')
    })
    const run = await runAction('wait', inputs('job-nourl'))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.status, 'job_finished')
    assert.equal(run.outputs.model_id, '5')
    assert.equal(run.outputs.result_file, undefined)
    assert.match(run.stdout, /::warning::.*gave no download_url/)
    assert.equal(fixture.sim.seen('storage', '/results/job-nourl/').length, 0)
  })

  test.concurrent('download: false skips the download', async () => {
    fixture.sim.addJob('job-nodl', { statuses: ['job_finished'], result: Buffer.from('x') })
    const run = await runAction('wait', inputs('job-nodl', { download: 'false' }))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.result_file, undefined)
    assert.equal(fixture.sim.seen('storage', '/results/job-nodl/').length, 0)
  })

  test.concurrent('extract: a zip result is unpacked beside the file and result_dir is set', async () => {
    const zip = makeZip({ 'metrics.json': '{"auc":0.91}', 'eval/predictions.csv': 'id,p\n1,0.4\n' })
    fixture.sim.addJob('job-zip', { statuses: ['job_finished'], result: zip })
    const run = await runAction('wait', inputs('job-zip', { extract: 'true', 'download-dir': 'results' }))
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.outputs.result_file, join(run.workspace, 'results', 'result.zip'))
    assert.equal(run.outputs.result_dir, join(run.workspace, 'results', 'result'))
    assert.equal(readFileSync(join(run.outputs.result_dir, 'metrics.json'), 'utf8'), '{"auc":0.91}')
    assert.ok(existsSync(join(run.outputs.result_dir, 'eval', 'predictions.csv')))
  })

  test.concurrent('extract: a result that is not a zip gives a warning, not a failure', async () => {
    fixture.sim.addJob('job-csv', {
      statuses: ['job_finished'],
      result: Buffer.from('a,b\n1,2\n'),
      resultName: 'result.csv'
    })
    const run = await runAction('wait', inputs('job-csv', { extract: 'true' }))
    assert.equal(run.code, 0, failure(run))
    assert.match(run.stdout, /::warning::extract: result\.csv is not a zip/)
    assert.equal(run.outputs.result_dir, undefined)
  })

  test.concurrent('an input error fails before any request, naming the input', async () => {
    const run = await runAction('wait', inputs('job-input', { 'poll-interval': '10 seconds' }))
    assert.equal(run.code, 1)
    assert.match(failure(run), /input "poll-interval": "10 seconds" is not a duration/)
    assert.equal(fixture.sim.statusChecks('job-input').length, 0)
  })
})
