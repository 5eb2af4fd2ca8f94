import type { Clock } from './clock.js'
import { CancelledError, errorMessage, GaveUpError, isRetryable, type TransientError } from './errors.js'

export interface RetryPolicy {
  baseMs: number
  capMs: number
  /** Tries in all, the first one included; the deadline is what normally ends them. */
  maxAttempts: number
}

// No cap on tries: a gate waiting 45 minutes should ride out a 3-minute outage of the API. The
// spacing is what protects the API: see backoffDelay.
export const DEFAULT_POLICY: RetryPolicy = { baseMs: 500, capMs: 30_000, maxAttempts: Infinity }

export interface RetryOptions {
  clock: Clock
  /**
   * Epoch ms on `clock`: no sleep goes past it; when the next try cannot start before it, the retry
   * gives up with GaveUpError (a DeadlineError) carrying the last error.
   */
  deadline: number
  signal?: AbortSignal
  policy?: RetryPolicy
  random?: () => number
  onRetry?: (err: TransientError, attempt: number, delayMs: number) => void
}

/**
 * Equal jitter (AWS architecture blog): half the capped exponential step, plus a random part up to
 * the other half. Half the step is the floor: 250 ms, 500 ms, 1 s, ... 15 s between tries.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1))
  return Math.floor(step / 2 + random() * (step / 2))
}

/** The one retry policy: transient errors are tried again, within the deadline; others are thrown. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_POLICY
  const random = options.random ?? Math.random
  const started = options.clock.now()
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError()
    try {
      return await fn(attempt)
    } catch (err) {
      if (options.signal?.aborted) throw new CancelledError()
      if (!isRetryable(err) || attempt >= policy.maxAttempts) throw err
      // Retry-After may lengthen the wait, never shorten it below the backoff: a server answering
      // `Retry-After: 0` must not be hammered. Never past the deadline either.
      const wanted = Math.max(err.retryAfterMs ?? 0, backoffDelay(attempt, policy, random))
      const now = options.clock.now()
      const left = options.deadline - now
      if (wanted > left) throw new GaveUpError(attempt, now - started, left, errorMessage(err))
      options.onRetry?.(err, attempt, wanted)
      await options.clock.sleep(wanted, options.signal)
    }
  }
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
