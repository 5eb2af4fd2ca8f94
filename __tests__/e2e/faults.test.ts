// Fault injection against the committed bundle: what a network, a gateway and hostile input can do.
// Each case checks the outcome, what the simulator saw, and that no secret was shown.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { startSimulator, type Simulator } from '../../sim/simulator.js'
import { failure, runAction, visibleText, type ActionRun } from '../../sim/runner.js'
import { startRecorder } from '../helpers/recorder.js'
import { jsonAnswer, simulatorFixture, withSimulator } from '../helpers/fixture.js'
import { assertNoSecrets } from '../helpers/secrets.js'
import { signalAfterOutput, signalTest } from '../helpers/signals.js'

const KEY = 'p1-fault-key-81d0c5e2'
const fixture = simulatorFixture(KEY)
const inputs = fixture.waitInputs

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name))
}

/** No temporary file anywhere the run could write, and download-dir holds exactly `expected`. */
function assertNoPartials(run: ActionRun, jobId: string, expected: string[]): void {
  const everything = allFiles(run.dir)
  expect(everything.filter((f) => f.endsWith('.partial'))).toEqual([])
  const dir = join(run.runnerTemp, 'prediction-one', jobId)
  expect(existsSync(dir) ? readdirSync(dir).sort() : []).toEqual(expected.sort())
}

const warnings = (run: ActionRun, text: string): number =>
  run.stdout.split('\n').filter((l) => l.startsWith('::warning::') && l.includes(text)).length

describe('transient faults are retried within the timeout', () => {
  test.concurrent('a burst of 5xx, then success: retried, warned once', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault(
        'status',
        { kind: 'http', status: 503 },
        { kind: 'http', status: 503 },
        { kind: 'http', status: 503 },
        { kind: 'http', status: 500 }
      )
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      assert.equal(other.statusChecks('j').length, 5)
      assert.equal(warnings(run, 'HTTP 503'), 1, 'one warning for a repeated fault')
      assert.equal(warnings(run, 'HTTP 500'), 1)
      assert.ok(!run.stdout.includes('<html>'), 'a gateway page is not dumped into the log')
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('an HTML 502 page from a gateway is retried', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', { kind: 'http', status: 502, body: '<!DOCTYPE html><title>502 Bad Gateway</title>' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      assert.match(run.stdout, /::warning::HTTP 502 .*text\/html body/)
      assert.equal(other.statusChecks('j').length, 2)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('429 with Retry-After: the next request waits for it', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j-429', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', jsonAnswer(429, { message: 'Too Many Requests' }, { 'retry-after': '2' }))
      const run = await runAction('wait', { ...inputs('j-429'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      const checks = other.statusChecks('j-429')
      assert.equal(checks.length, 2)
      const gap = checks[1].atMs - checks[0].atMs
      assert.ok(gap >= 1950 && gap < 3500, `waited for Retry-After: 2, saw ${gap} ms`)
      assert.match(run.stdout, /::warning::HTTP 429 .*"Too Many Requests"; trying again in 2s/)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('a connection reset is retried', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', { kind: 'reset' }, { kind: 'reset' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      assert.equal(warnings(run, 'ECONNRESET'), 1)
      assert.equal(other.statusChecks('j').length, 3)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('a request that never answers: request-timeout fires, the retry succeeds', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', { kind: 'hang' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl, 'request-timeout': '1s' })
      assert.equal(run.code, 0, failure(run))
      const checks = other.statusChecks('j')
      assert.equal(checks.length, 2)
      const gap = checks[1].atMs - checks[0].atMs
      assert.ok(gap >= 950 && gap < 3000, `the hung request was given up after about 1 s, saw ${gap} ms`)
      assert.match(run.stdout, /::warning::no answer from .* within 1000 ms \(request-timeout\)/)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('a status answer cut mid-body is retried, not waited on forever', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', { kind: 'truncate' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl }, { killAfterMs: 20_000 })
      assert.equal(run.code, 0, failure(run))
      assert.equal(other.statusChecks('j').length, 2)
      assert.ok(run.durationMs < 5000, `took ${run.durationMs} ms`)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('a 200 whose body is not JSON is retried', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: Buffer.from('ok') })
      other.fault('status', { kind: 'http', status: 200, body: 'OK', contentType: 'text/plain' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      assert.match(run.stdout, /::warning::HTTP 200 .* with a text\/plain body that is not the API's JSON/)
      assert.equal(other.statusChecks('j').length, 2)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('unknown statuses before job_finished keep the wait going', async () => {
    fixture.sim.addJob('j-unknown', {
      statuses: ['queued', 'validating', 'some_new_state', 'job_finished'],
      result: Buffer.from('ok')
    })
    const run = await runAction('wait', inputs('j-unknown'))
    assert.equal(run.code, 0, failure(run))
    assert.equal(fixture.sim.statusChecks('j-unknown').length, 4)
    assert.match(run.stdout, /is "some_new_state"/)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-unknown/')
  })

  test.concurrent('repeated faults until the timeout: fails with the last status and the cause', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['running'] })
      other.fault('status', jsonAnswer(200, { status: 'running' }))
      other.fault('status', ...Array.from({ length: 50 }, () => ({ kind: 'http' as const, status: 503 })))
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl, timeout: '3s' })
      assert.equal(run.code, 1)
      // The retries give up when the next wait would not fit: the time spent is what the clock measured.
      assert.match(
        failure(run),
        /(gave up waiting for retrain job j after \d+s of the 3s timeout|timed out after [34]s \(timeout\)).*"running".*HTTP 503/
      )
      assert.equal(run.outputs.status, 'running')
      assert.ok(run.durationMs < 6000, `stopped at the deadline, took ${run.durationMs} ms`)
      assert.ok(warnings(run, 'HTTP 503') === 1, 'one warning for many identical faults')
      assertNoSecrets(run, KEY, other)
    })
  })
})

describe('the download', () => {
  const result = randomBytes(256 * 1024)

  test.concurrent('truncated once, then whole: retried, bytes intact, no partial file', async () => {
    fixture.sim.addJob('j-trunc1', { statuses: ['job_finished'], result })
    await withSimulator(KEY, async (other) => {
      other.addJob('j-trunc1', { statuses: ['job_finished'], result })
      other.fault('download', { kind: 'truncate' })
      const run = await runAction('wait', { ...inputs('j-trunc1'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      expect(readFileSync(run.outputs.result_file)).toEqual(result)
      assert.equal(other.seen('storage', '/results/').length, 2)
      assertNoPartials(run, 'j-trunc1', ['result.zip'])
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('always truncated: fails, leaves no file', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result })
      other.fault('download', ...Array.from({ length: 50 }, () => ({ kind: 'truncate' as const })))
      // The download shares the step's timeout with the poll: 6 s leaves room for tries on a busy machine.
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl, timeout: '6s' })
      assert.equal(run.code, 1)
      assert.match(failure(run), /network error|truncated|aborted|time left ran out/)
      assert.ok(other.seen('storage', '/results/').length >= 2, 'retried')
      assert.equal(run.outputs.status, 'job_finished')
      assert.equal(run.outputs.result_file, undefined)
      assertNoPartials(run, 'j', [])
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('an expired signed URL is refreshed through the status endpoint', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['running', 'job_finished'], result })
      other.fault('download', { kind: 'expired' })
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      expect(readFileSync(run.outputs.result_file)).toEqual(result)
      assert.equal(other.statusChecks('j').length, 3, 'two checks, then one more for a fresh URL')
      const downloads = other.seen('storage', '/results/')
      assert.equal(downloads.length, 2)
      const signature = (path: string): string | null => new URL(path, 'http://x').searchParams.get('X-Signature')
      assert.notEqual(signature(downloads[0].path), signature(downloads[1].path), 'a fresh URL')
      assert.match(run.stdout, /::warning::download: HTTP 403 .*expired/)
      assertNoSecrets(run, KEY, other)
    })
  })

  test.concurrent('a hostile Content-Disposition name is written inside download-dir only', async () => {
    fixture.sim.addJob('j-hostile', {
      statuses: ['job_finished'],
      result,
      contentDisposition: `attachment; filename="../../x.sh"; filename*=UTF-8''..%2F..%2F..%2Ftmp%2Fevil%00.sh`
    })
    const run = await runAction('wait', inputs('j-hostile'))
    assert.equal(run.code, 0, failure(run))
    const dir = join(run.runnerTemp, 'prediction-one', 'j-hostile')
    assert.equal(run.outputs.result_file, join(dir, 'evil.sh'))
    expect(readdirSync(dir)).toEqual(['evil.sh'])
    expect(readFileSync(join(dir, 'evil.sh'))).toEqual(result)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-hostile/')
  })

  test.concurrent('a download_url that is not https (file:) is refused', async () => {
    fixture.sim.addJob('j-file', { statuses: ['job_finished'], downloadUrl: 'file:///etc/passwd' })
    const run = await runAction('wait', inputs('j-file'))
    assert.equal(run.code, 1)
    assert.match(failure(run), /download_url .* uses file:; only https is downloaded/)
    assertNoPartials(run, 'j-file', [])
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-file/')
  })

  test.concurrent('a download redirected to another origin is followed without the key', async () => {
    const elsewhere = await startRecorder('127.0.0.1', result)
    const other = (await startSimulator()).addKey(KEY)
    other.addJob('j-redirect', { statuses: ['job_finished'], result })
    other.fault('download', { kind: 'redirect', location: `${elsewhere.url}/cdn/result.zip` })
    try {
      const run = await runAction('wait', { ...inputs('j-redirect'), 'api-url': other.apiUrl })
      assert.equal(run.code, 0, failure(run))
      assert.equal(elsewhere.calls.length, 1)
      assert.equal(elsewhere.calls[0].headers['x-api-key'], undefined)
      expect(readFileSync(run.outputs.result_file)).toEqual(result)
      assertNoSecrets(run, KEY, other)
    } finally {
      await other.close()
      await elsewhere.close()
    }
  })
})

describe('secrets and origins', () => {
  test.concurrent('an API redirect to another origin is refused: the other origin never sees the key', async () => {
    const elsewhere = await startRecorder()
    const other = (await startSimulator()).addKey(KEY)
    other.addJob('j', { statuses: ['job_finished'] })
    other.fault('status', { kind: 'redirect', location: `${elsewhere.url}/v1/external/retrain_jobs/j`, status: 307 })
    try {
      const run = await runAction('wait', { ...inputs('j'), 'api-url': other.apiUrl })
      assert.equal(run.code, 1)
      assert.match(
        failure(run),
        /redirected to 127\.0\.0\.1:\d+, another origin: the API key is sent to the api-url origin only/
      )
      assert.equal(elsewhere.calls.length, 0, 'the other origin was never called')
      assertNoSecrets(run, KEY, other)
    } finally {
      await other.close()
      await elsewhere.close()
    }
  })

  const inputErrors: [string, Record<string, string>, RegExp][] = [
    [
      'api-url over plain http to a remote host',
      { 'api-url': 'http://developer-api.predictionone.sony.biz' },
      /input "api-url": must be https/
    ],
    ['api-url with file:', { 'api-url': 'file:///etc/hosts' }, /input "api-url": must be https/],
    ['retrain-job-id ..', { 'retrain-job-id': '..' }, /input "retrain-job-id": "\.\." is not a job id/],
    ['retrain-job-id empty', { 'retrain-job-id': '' }, /input "retrain-job-id": is required/],
    ['api-key with a line break', { 'api-key': `${KEY}\nX-Injected: 1` }, /input "api-key": holds a line break/],
    ['api-key empty', { 'api-key': '' }, /input "api-key": is required/],
    ['timeout not a duration', { timeout: 'forever' }, /input "timeout": "forever" is not a duration/],
    ['poll-interval under 1s', { 'poll-interval': '200ms' }, /input "poll-interval": must be at least 1s/],
    ['request-timeout not a duration', { 'request-timeout': '5 s' }, /input "request-timeout"/],
    ['wait not a boolean', { wait: 'nope' }, /input "wait": "nope" is not a boolean/],
    ['download not a boolean', { download: 'y' }, /input "download"/],
    ['extract not a boolean', { extract: '2' }, /input "extract"/]
  ]
  for (const [name, change, expected] of inputErrors) {
    test.concurrent(`input error, no request made: ${name}`, async () => {
      const jobId = `j-input-${name.replace(/\W+/g, '-')}`
      const run = await runAction('wait', { ...inputs(jobId), ...change })
      assert.equal(run.code, 1)
      assert.match(failure(run), expected)
      assert.equal(fixture.sim.statusChecks(change['retrain-job-id'] ?? jobId).length, 0)
      assert.ok(!visibleText(run).includes(KEY), 'the key is not shown, even in an input error')
    })
  }
})

/** Sends `signal` to the action `delayMs` after the simulator saw its download start. */
function signalWhenDownloading(sim: Simulator, signal: NodeJS.Signals, delayMs: number, sent?: (at: number) => void) {
  return (child: ChildProcess): void => {
    const poll = setInterval(() => {
      if (sim.seen('storage', '/results/').length === 0) return
      clearInterval(poll)
      setTimeout(() => {
        sent?.(Date.now())
        child.kill(signal)
      }, delayMs)
    }, 20)
  }
}

describe('cancellation', () => {
  signalTest(
    'SIGINT during a slow download: prompt exit, no partial file, outputs and a cancelled summary',
    async () => {
      const big = randomBytes(4 * 1024 * 1024)
      await withSimulator(KEY, async (other) => {
        other.addJob('j', { statuses: ['job_finished'], modelId: 3, result: big })
        other.fault('download', { kind: 'slow', chunkBytes: 64 * 1024, pauseMs: 100 })
        let signalledAt = 0
        const run = await runAction(
          'wait',
          { ...inputs('j'), 'api-url': other.apiUrl },
          { onSpawn: signalWhenDownloading(other, 'SIGINT', 500, (at) => (signalledAt = at)) }
        )
        const exitMs = Date.now() - signalledAt
        assert.ok(signalledAt > 0)
        assert.ok(exitMs < 1500, `stopped within about a second, took ${exitMs} ms`)
        assert.notEqual(run.code, 0)
        assert.match(failure(run), /cancelled by SIGINT/)
        assert.equal(run.outputs.status, 'job_finished')
        assert.equal(run.outputs.model_id, '3')
        assert.equal(run.outputs.result_file, undefined)
        assert.match(run.summary, /cancelled/)
        assertNoPartials(run, 'j', [])
        assertNoSecrets(run, KEY, other)
      })
    }
  )

  test.concurrent('a step killed outright (SIGKILL) mid-download leaves nothing in download-dir', async () => {
    await withSimulator(KEY, async (other) => {
      other.addJob('j', { statuses: ['job_finished'], result: randomBytes(2 * 1024 * 1024) })
      other.fault('download', { kind: 'slow', chunkBytes: 64 * 1024, pauseMs: 100 })
      const run = await runAction(
        'wait',
        { ...inputs('j'), 'api-url': other.apiUrl },
        { onSpawn: signalWhenDownloading(other, 'SIGKILL', 400) }
      )
      assert.equal(run.signal, 'SIGKILL')
      const dir = join(run.runnerTemp, 'prediction-one', 'j')
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([])
      assertNoSecrets(run, KEY, other)
    })
  })

  signalTest('SIGTERM during polling: prompt exit with the last status', async () => {
    fixture.sim.addJob('j-term', { statuses: ['running'] })
    const signal = signalAfterOutput('is "running"', 'SIGTERM', 200)
    const run = await runAction('wait', inputs('j-term', { 'poll-interval': '30s' }), signal)
    const exitMs = Date.now() - signal.sentAt()
    assert.ok(exitMs < 1500, `stopped within about a second, took ${exitMs} ms`)
    assert.notEqual(run.code, 0)
    assert.match(failure(run), /cancelled by SIGTERM/)
    assert.equal(run.outputs.status, 'running')
    assert.match(run.summary, /cancelled/)
    assert.equal(fixture.sim.statusChecks('j-term').length, 1)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-term/')
  })
})
