// The one retry policy: what another try can fix is tried again, spaced by a capped, jittered
// backoff, within the step's deadline; anything else is thrown at once.
import type { Deadline } from '../clock.js'
import { CancelledError, errorMessage, GaveUpError, isRetryable } from '../errors.js'

// No cap on tries, only the deadline: a gate waiting 45 minutes should ride out a 3-minute outage of
// the API. The spacing is what protects the API: see backoffDelay.
export const DEFAULT_POLICY = { baseMs: 500, capMs: 30_000 }

/** Told before each wait for another try: why, which try failed, how long until the next. */
export type RetryListener = (why: string, attempt: number, delayMs: number) => void

export interface RetryOptions {
  /** No sleep goes past it: when the next try cannot start before it, GaveUpError with the last error. */
  deadline: Deadline
  signal?: AbortSignal
  random?: () => number
  onRetry?: RetryListener
  /** Why (the line reported) an error other than a TransientError is worth another try; undefined: thrown. */
  worthAnotherTry?: (err: unknown) => Promise<string | undefined>
}

/**
 * Equal jitter (AWS architecture blog): half the capped exponential step, plus a random part up to
 * the other half. Half the step is the floor: 250 ms, 500 ms, 1 s, ... 15 s between tries.
 */
export function backoffDelay(attempt: number, policy: typeof DEFAULT_POLICY, random: () => number): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1))
  return Math.floor(step / 2 + random() * (step / 2))
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const started = options.deadline.clock.now()
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError()
    try {
      return await fn(attempt)
    } catch (err) {
      if (options.signal?.aborted) throw new CancelledError()
      const why = isRetryable(err) ? errorMessage(err) : await options.worthAnotherTry?.(err)
      if (why === undefined) throw err
      // Retry-After may lengthen the wait, never shorten it below the backoff: a server answering
      // `Retry-After: 0` must not be hammered. Never past the deadline either.
      const retryAfterMs = isRetryable(err) ? (err.retryAfterMs ?? 0) : 0
      const wanted = Math.max(retryAfterMs, backoffDelay(attempt, DEFAULT_POLICY, options.random ?? Math.random))
      const now = options.deadline.clock.now()
      const left = options.deadline.left()
      if (wanted > left) throw new GaveUpError(attempt, now - started, Math.max(0, left), errorMessage(err))
      options.onRetry?.(why, attempt, wanted)
      await options.deadline.clock.sleep(wanted, options.signal)
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
