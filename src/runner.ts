// The one place where an error becomes a failed step, and where cancellation is wired.
import * as core from '@actions/core'
import { Inputs } from './constants.js'
import { CancelledError } from './errors.js'
import { errorMessage } from './parse.js'
import type { Outcome } from './report.js'

/** Writes the outputs and summary known so far; called once however the body ended. */
export type Finish = (outcome: Outcome, reason?: string) => Promise<void> | void

export interface RunContext {
  /** Aborted on SIGINT or SIGTERM (a cancelled run): sleeps and requests stop at once. */
  signal: AbortSignal
  onFinish(finish: Finish): void
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Runs an action's body. The API key is masked before anything else can be printed; any error
 * fails the step with one prefix. Node is left to exit by itself (an explicit process.exit()
 * right after a large download has hung Node 24 at shutdown).
 */
export async function runAction(action: string, body: (context: RunContext) => Promise<void>): Promise<void> {
  const key = core.getInput(Inputs.ApiKey)
  if (key) core.setSecret(key)

  const controller = new AbortController()
  let received: string | undefined
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      if (received) return
      received = name
      core.warning(`${name} received: stopping`)
      controller.abort()
    }
    process.on(name, handler)
    return [name, handler] as const
  })
  let finish: Finish | undefined
  let outcome: Outcome = 'succeeded'
  let reason: string | undefined
  try {
    await body({ signal: controller.signal, onFinish: (f) => (finish = f) })
  } catch (err) {
    const cancelled = received !== undefined || err instanceof CancelledError
    outcome = cancelled ? 'cancelled' : 'failed'
    reason = cancelled ? `cancelled by ${received ?? 'an abort'}` : errorMessage(err)
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler)
  }
  try {
    await finish?.(outcome, reason)
  } catch (err) {
    core.warning(`could not write the outputs or summary: ${errorMessage(err)}`)
  }
  if (outcome !== 'succeeded') core.setFailed(`${action} failed: ${reason}`)
}
