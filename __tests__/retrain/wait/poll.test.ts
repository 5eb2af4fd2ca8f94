// The poll loop with a fake clock: no real sleeps, every sleep and check on record.
import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import type { JobStatus } from '../../../src/retrain/api.js'
import { CancelledError, DeadlineError, JobFailedError, TransientError } from '../../../src/errors.js'
import { timelineRows, waitForJob, type PollOptions, type PollState } from '../../../src/retrain/wait/poll.js'
import { Deadline } from '../../../src/clock.js'
import { FakeClock } from '../../helpers/clock.js'

/** A status endpoint that answers from a function of the time since start. */
function endpoint(clock: FakeClock, statusAt: (elapsedMs: number) => JobStatus | Error) {
  const start = clock.time
  const calls: number[] = []
  return {
    calls,
    getStatus: async (): Promise<JobStatus> => {
      calls.push(clock.time - start)
      const answer = statusAt(clock.time - start)
      if (answer instanceof Error) throw answer
      return answer
    }
  }
}

/** The wait's options; `timeoutMs` makes its deadline, from now on `clock`. */
function options(
  clock: FakeClock,
  client: PollOptions['client'],
  { timeoutMs = 60_000, ...extra }: Partial<PollOptions> & { timeoutMs?: number } = {}
): PollOptions {
  return { client, jobId: 'j', deadline: Deadline.after(timeoutMs, clock), intervalMs: 10_000, wait: true, ...extra }
}

const state = (_clock: FakeClock): PollState => ({ checks: 0, timeline: [] })

test('polls at the interval until job_finished', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, (t) => ({ status: t >= 25_000 ? 'job_finished' : 'running' }))
  const s = state(clock)
  assert.equal(await waitForJob(options(clock, api), s), 'finished')
  expect(api.calls).toEqual([0, 10_000, 20_000, 30_000])
  assert.equal(s.checks, 4)
  assert.equal(s.last?.status, 'job_finished')
})

test('the last sleep is cut to the deadline and a last check is made right at it', async () => {
  const clock = new FakeClock()
  // Finishes at 55 s; checks at 0, 20, 40, then 55 (the deadline), not 60.
  const api = endpoint(clock, (t) => ({ status: t >= 55_000 ? 'job_finished' : 'running' }))
  const outcome = await waitForJob(options(clock, api, { timeoutMs: 55_000, intervalMs: 20_000 }), state(clock))
  assert.equal(outcome, 'finished')
  expect(api.calls).toEqual([0, 20_000, 40_000, 55_000])
  expect(clock.sleeps).toEqual([20_000, 20_000, 15_000])
})

test('a timeout names itself and the last status seen', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, () => ({ status: 'training' }))
  const s = state(clock)
  const startedAt = clock.time
  await assert.rejects(waitForJob(options(clock, api, { timeoutMs: 30_000 }), s), (err: unknown) => {
    assert.ok(err instanceof DeadlineError)
    assert.match(err.message, /timed out after 30s \(timeout\)/)
    assert.match(err.message, /"training" after 4 checks/)
    return true
  })
  assert.equal(clock.time - startedAt, 30_000, 'never sleeps past the deadline')
})

test('a failure status fails with the status and the API message', async () => {
  for (const status of ['job_failed', 'ERROR', 'cancelled', 'aborted', 'training_failure']) {
    const clock = new FakeClock()
    const api = endpoint(clock, (t) => (t < 10_000 ? { status: 'running' } : { status, message: 'out of memory' }))
    const s = state(clock)
    await assert.rejects(waitForJob(options(clock, api), s), (err: unknown) => {
      assert.ok(err instanceof JobFailedError, status)
      assert.ok(err.message.includes(`"${status}"`))
      assert.match(err.message, /out of memory/)
      return true
    })
    assert.equal(s.last?.status, status, 'the last status is kept for the outputs')
  }
})

test('wait false: one check, reported, no sleep', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, () => ({ status: 'running' }))
  assert.equal(await waitForJob(options(clock, api, { wait: false }), state(clock)), 'pending')
  expect(api.calls).toEqual([0])
  expect(clock.sleeps).toEqual([])
})

test('unknown statuses keep the wait going; a change is reported once', async () => {
  const clock = new FakeClock()
  const seq = ['queued', 'queued', 'preprocessing', 'preprocessing', 'preprocessing', 'job_finished']
  let i = 0
  const api = { getStatus: async (): Promise<JobStatus> => ({ status: seq[i++] }) }
  const changes: string[] = []
  await waitForJob(
    options(clock, api, {
      onCheck: (job, _check, _elapsed, changed) => {
        if (changed) changes.push(job.status)
      }
    }),
    state(clock)
  )
  expect(changes).toEqual(['queued', 'preprocessing', 'job_finished'])
})

test('a status check that keeps failing until the deadline becomes a timeout with the cause', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, (t) => (t === 0 ? { status: 'running' } : new DeadlineError('gave up: HTTP 503')))
  await assert.rejects(waitForJob(options(clock, api), state(clock)), (err: unknown) => {
    assert.ok(err instanceof DeadlineError)
    assert.match(err.message, /last status seen was "running".*HTTP 503/)
    return true
  })
})

test('a check whose retries give up before the timeout: the time spent, why it stopped, the tries counted once', async () => {
  const clock = new FakeClock()
  const { retry } = await import('../../../src/net/retry.js')
  const client: PollOptions['client'] = {
    getStatus: async (_jobId, deadline) =>
      retry(
        async () => {
          throw new TransientError('HTTP 503 from api.p1.test')
        },
        { deadline, random: () => 0.5 }
      )
  }
  const s = state(clock)
  const startedAt = clock.time
  await assert.rejects(waitForJob(options(clock, client, { timeoutMs: 20_000 }), s), (err: unknown) => {
    assert.ok(err instanceof DeadlineError)
    assert.equal(clock.time - startedAt, 11_625, 'gave up 8.4 s before the timeout')
    assert.equal(
      err.message,
      'gave up waiting for retrain job j after 12s of the 20s timeout: no status was read; ' +
        'the status check was tried 6 times and another try would not fit in the 8s left; the last failed with: HTTP 503 from api.p1.test'
    )
    return true
  })
  // With a status read first, then the same outage.
  const clock2 = new FakeClock()
  let calls = 0
  const flaky: PollOptions['client'] = {
    getStatus: async (_jobId, deadline) =>
      calls++ === 0
        ? { status: 'running' }
        : retry(
            async () => {
              throw new TransientError('HTTP 503 from api.p1.test')
            },
            { deadline, random: () => 0.5 }
          )
  }
  await assert.rejects(
    waitForJob(options(clock2, flaky, { timeoutMs: 30_000, intervalMs: 10_000 }), state(clock2)),
    /gave up waiting for retrain job j after 22s of the 30s timeout: the last status seen was "running" after 1 check; the status check was tried 6 times and another try would not fit in the 8s left; the last failed with: HTTP 503/
  )
})

test('other errors pass through; cancellation stops the sleep', async () => {
  const clock = new FakeClock()
  const failing = endpoint(clock, () => new TransientError('boom'))
  await assert.rejects(waitForJob(options(clock, failing), state(clock)), /boom/)
  const controller = new AbortController()
  controller.abort()
  const running = endpoint(clock, () => ({ status: 'running' }))
  await assert.rejects(waitForJob(options(clock, running, { signal: controller.signal }), state(clock)), CancelledError)
})

test('onCheck says on every check whether the status changed', async () => {
  const clock = new FakeClock()
  const seq = ['running', 'running', 'job_finished']
  let i = 0
  const api = { getStatus: async (): Promise<JobStatus> => ({ status: seq[i++] }) }
  const events: string[] = []
  await waitForJob(
    options(clock, api, {
      onCheck: (job, check, _elapsed, changed) => {
        events.push(`check ${check} ${job.status} ${changed}`)
        if (changed) events.push(`change ${job.status}`)
      }
    }),
    state(clock)
  )
  expect(events).toEqual([
    'check 1 running true',
    'change running',
    'check 2 running false',
    'check 3 job_finished true',
    'change job_finished'
  ])
})

test('the timeline: each status, when it began and how long it lasted', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, (t) => ({ status: t < 120_000 ? 'queued' : t < 300_000 ? 'running' : 'job_finished' }))
  const s = state(clock)
  await waitForJob(options(clock, api, { intervalMs: 60_000, timeoutMs: 3_600_000 }), s)
  expect(timelineRows(s)).toEqual([
    ['queued', '+0ms', '2m'],
    ['running', '+2m', '3m'],
    ['job_finished', '+5m', 'at least 0ms']
  ])
})

test('a fixed-rate schedule: the round trip of each answer does not delay the next check', async () => {
  const clock = new FakeClock()
  const start = clock.time
  const calls: number[] = []
  const slowApi = {
    getStatus: async (): Promise<JobStatus> => {
      calls.push(clock.time - start)
      clock.time += 300 // each answer takes 300 ms to arrive
      return { status: clock.time - start >= 30_000 ? 'job_finished' : 'running' }
    }
  }
  assert.equal(await waitForJob(options(clock, slowApi, { intervalMs: 10_000 }), state(clock)), 'finished')
  expect(calls).toEqual([0, 10_000, 20_000, 30_000])
  expect(clock.sleeps).toEqual([9_700, 9_700, 9_700])
})

test('a check slowed past its slot by retries skips to the next slot, not a burst of checks', async () => {
  const clock = new FakeClock()
  const start = clock.time
  const calls: number[] = []
  const api = {
    getStatus: async (): Promise<JobStatus> => {
      calls.push(clock.time - start)
      if (calls.length === 2) clock.time += 25_000 // an outage ridden out by retries
      return { status: calls.length >= 4 ? 'job_finished' : 'running' }
    }
  }
  await waitForJob(options(clock, api, { intervalMs: 10_000, timeoutMs: 120_000 }), state(clock))
  expect(calls).toEqual([0, 10_000, 40_000, 50_000])
})

test('a status that differs from job_finished only by case and spaces finishes; the text is kept as sent', async () => {
  const clock = new FakeClock()
  const api = endpoint(clock, (t) => ({ status: t >= 10_000 ? ' JOB_FINISHED ' : 'running' }))
  const s = state(clock)
  assert.equal(await waitForJob(options(clock, api), s), 'finished')
  assert.equal(s.last?.status, ' JOB_FINISHED ')
  expect(api.calls).toEqual([0, 10_000])
})
