import { setTimeout as delay } from 'node:timers/promises'
import { CancelledError } from './errors.js'

/** Time as the poll loop and the retry policy see it; tests pass a fake one. */
export interface Clock {
  /** Epoch ms. */
  now(): number
  /** Resolves after `ms`; rejects with CancelledError as soon as `signal` aborts. */
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
