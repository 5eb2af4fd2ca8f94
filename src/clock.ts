// Time, in one place: the clock everything reads (tests pass a fake one) and the deadline a step
// makes once from its timeout and hands down to everything that waits.
import { setTimeout as delay } from 'node:timers/promises'
import { CancelledError } from './errors.js'

export interface Clock {
  /** Epoch ms. */
  now(): number
  /** Rejects with CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(Math.max(0, ms), undefined, { signal })
    } catch (err) {
      if (signal?.aborted) throw new CancelledError()
      throw err
    }
  }
}

/**
 * The time a step has: `timeoutMs` from when it was made, on `clock`. The poll, the retries, each
 * request, the download, the unpack and a rename all read this one value; none keeps a start of its own.
 */
export class Deadline {
  private constructor(
    readonly clock: Clock,
    readonly startedAt: number,
    readonly timeoutMs: number
  ) {}

  static after(timeoutMs: number, clock: Clock = systemClock): Deadline {
    return new Deadline(clock, clock.now(), timeoutMs)
  }

  /** ms left; negative once passed. */
  left(): number {
    return this.startedAt + this.timeoutMs - this.clock.now()
  }

  elapsed(): number {
    return this.clock.now() - this.startedAt
  }

  /** For work that takes a signal (the unpack): aborts when the deadline passes, in real time. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(0, this.left()))
  }
}
