import type { Clock } from '../../src/clock.js'
import { CancelledError } from '../../src/errors.js'

/** Time that moves only when slept: no real waiting, every sleep recorded. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  constructor(public time = 1_000_000) {}
  now(): number {
    return this.time
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError()
    this.sleeps.push(ms)
    this.time += ms
  }
}
