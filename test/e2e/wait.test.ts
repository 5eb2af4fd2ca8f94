// The wait action's bundle, run as the runner runs it, against the simulator.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startSimulator, type Simulator } from '../../sim/simulator.js'
import { runAction } from '../helpers/action.js'
import { assertNoSecrets } from '../helpers/secrets.js'

const KEY = 'p1-test-key-3f9c2a7b'
let sim: Simulator

before(async () => {
  sim = (await startSimulator()).addKey(KEY)
})
after(() => sim.close())

function inputs(jobId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'api-key': KEY, 'retrain-job-id': jobId, 'api-url': sim.apiUrl, 'poll-interval': '1s', ...extra }
}

describe('wait action, end to end', { concurrency: true }, () => {
  test('happy path: polls to job_finished, downloads the binary result intact, sets every output', async () => {
    // Every byte value, and a CR LF pair: a text-mode write (the manual's example) would corrupt it.
    const result = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from([...Array(256).keys()]), Buffer.from('\r\n\x00\xff'), randomBytes(300_000)])
    sim.addJob('job-ok', { statuses: ['queued', 'running', 'running', 'job_finished'], modelId: 4242, message: 'done', result })
    const run = await runAction('wait', inputs('job-ok'))
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(run.outputs.status, 'job_finished')
    assert.equal(run.outputs.model_id, '4242')
    assert.equal(run.outputs.message, 'done')
    assert.equal(run.outputs.retrain_job_id, 'job-ok')
    const expectedPath = join(run.runnerTemp, 'prediction-one', 'job-ok', 'result.zip')
    assert.equal(run.outputs.result_file, expectedPath)
    assert.deepEqual(readFileSync(expectedPath), result)
    assert.equal(run.outputs.result_sha256, createHash('sha256').update(result).digest('hex'))
    assert.deepEqual(readdirSync(join(run.runnerTemp, 'prediction-one', 'job-ok')), ['result.zip'])
    // 4 checks at a 1 s interval: about 3 s.
    const checks = sim.seen('api', '/v1/external/retrain_jobs/job-ok')
    assert.equal(checks.length, 4)
    for (let i = 1; i < checks.length; i++) {
      const gap = checks[i].atMs - checks[i - 1].atMs
      assert.ok(gap >= 950 && gap < 2000, `checks about 1 s apart, saw ${gap} ms`)
    }
    assert.ok(checks.every((r) => r.headers['x-api-key'] === KEY))
    const downloads = sim.seen('storage', '/results/job-ok/')
    assert.equal(downloads.length, 1)
    assert.equal(downloads[0].headers['x-api-key'], undefined, 'the key never goes to the storage host')
    // One log line per status change, not per poll.
    const statusLines = run.stdout.split('\n').filter((l) => l.includes('retrain job job-ok is "'))
    assert.deepEqual(
      statusLines.map((l) => /is "([^"]+)"/.exec(l)?.[1]),
      ['queued', 'running', 'job_finished']
    )
    assert.match(run.summary, /job-ok/)
    assert.match(run.summary, /4242/)
    assert.match(run.summary, /result\.zip/)
    assert.match(run.summary, new RegExp(run.outputs.result_sha256))
    assert.match(run.summary, /status checks<\/td><td>4</)
    assertNoSecrets(run, KEY, sim)
  })
})
