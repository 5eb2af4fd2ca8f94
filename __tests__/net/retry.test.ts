import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { CancelledError, DeadlineError, HttpError, TransientError } from '../../src/errors.js'
import { backoffDelay, DEFAULT_POLICY, parseRetryAfter, retry } from '../../src/net/retry.js'
import { Deadline } from '../../src/clock.js'
import { FakeClock } from '../helpers/clock.js'

test('equal jitter under a capped exponential step: never below half the step', () => {
  const policy = { baseMs: 500, capMs: 30_000 }
  const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, policy, () => 0.999999))
  expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999])
  const floors = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, policy, () => 0))
  expect(floors).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000])
})

test('Retry-After may lengthen a wait, never shorten it below the backoff', async () => {
  const clock = new FakeClock()
  let calls = 0
  await assert.rejects(
    retry(
      async () => {
        calls++
        throw new TransientError('503 with Retry-After: 0', 0)
      },
      { deadline: Deadline.after(10_000, clock), random: () => 0 }
    ),
    DeadlineError
  )
  // The floors: 250, 500, 1000, 2000, 4000 ms; the next (8000) would pass the deadline.
  expect(clock.sleeps).toEqual([250, 500, 1000, 2000, 4000])
  assert.equal(calls, 6)
})

test('transient errors are retried; others are thrown at once', async () => {
  const clock = new FakeClock()
  let calls = 0
  const value = await retry(
    async () => {
      if (++calls < 3) throw new TransientError('flaky')
      return 'ok'
    },
    { deadline: Deadline.after(Infinity, clock), random: () => 0.5 }
  )
  assert.equal(value, 'ok')
  expect(clock.sleeps).toEqual([375, 750])

  let permanent = 0
  await assert.rejects(
    retry(
      async () => {
        permanent++
        throw new HttpError(404, 'gone')
      },
      { deadline: Deadline.after(Infinity, clock) }
    ),
    HttpError
  )
  assert.equal(permanent, 1)
})

test('Retry-After wins over the backoff, but never past the deadline', async () => {
  const clock = new FakeClock()
  const retried: number[] = []
  await assert.rejects(
    retry(
      async () => {
        throw new TransientError('429', 5000)
      },
      { deadline: Deadline.after(12_000, clock), onRetry: (_e, _a, d) => retried.push(d) }
    ),
    DeadlineError
  )
  expect(clock.sleeps).toEqual([5000, 5000])
  expect(retried).toEqual([5000, 5000])
})

test('tries go on until the deadline', async () => {
  const clock = new FakeClock()
  let calls = 0
  const failing = async (): Promise<never> => {
    calls++
    throw new TransientError('down')
  }
  await assert.rejects(retry(failing, { deadline: Deadline.after(10 * 60_000, clock) }), DeadlineError)
  assert.ok(calls > 20, `a 10-minute outage is retried all along, ${calls} tries`)
  assert.ok(Math.max(...clock.sleeps) <= DEFAULT_POLICY.capMs, 'no sleep over the cap')
})

test('an aborted signal stops retrying', async () => {
  const controller = new AbortController()
  let calls = 0
  await assert.rejects(
    retry(
      async () => {
        calls++
        controller.abort()
        throw new TransientError('x')
      },
      { deadline: Deadline.after(Infinity, new FakeClock()), signal: controller.signal }
    ),
    CancelledError
  )
  assert.equal(calls, 1)
})

test('Retry-After as seconds or an HTTP date', () => {
  const now = Date.parse('2026-11-27T10:00:00Z')
  assert.equal(parseRetryAfter('120', now), 120_000)
  assert.equal(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', now), 30_000)
  assert.equal(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now), 0)
  assert.equal(parseRetryAfter('soon', now), undefined)
  assert.equal(parseRetryAfter(undefined, now), undefined)
})

test('giving up early says so: the time spent on the clock, that another try would not fit, the tries once', async () => {
  const clock = new FakeClock()
  const start = clock.time
  await assert.rejects(
    retry(
      async () => {
        throw new TransientError('HTTP 503 from api')
      },
      { deadline: Deadline.after(20_000, clock), random: () => 0.5 }
    ),
    (err: unknown) => {
      assert.ok(err instanceof DeadlineError)
      // Sleeps of 375 ms, 750 ms, 1.5 s, 3 s, 6 s: the 6th try fails at 11.6 s, the next wait (12 s) is past the 8.4 s left.
      assert.equal(clock.time - start, 11_625)
      assert.equal(
        err.message,
        'gave up after 6 tries in 12s: another would not fit in the 8s left before the deadline; the last failed with: HTTP 503 from api'
      )
      return true
    }
  )
})
