// The one place where an error becomes a failed step, and where cancellation is wired.
import * as core from '@actions/core'
import { Inputs } from './constants.js'
import { CancelledError, errorMessage } from './errors.js'
import { fail, warning } from './log.js'
import type { GetInput } from './inputs.js'
import { writeOutputs, writeSummary, type Outcome, type SummaryRows } from './report.js'
import { addSecret } from './secrets.js'

/** Writes the outputs and summary known so far; called once however the body ended. */
export type Finish = (outcome: Outcome, reason?: string) => Promise<void> | void

export interface RunContext {
  /** Aborted when the run is cancelled: sleeps, requests and child processes stop at once. */
  signal: AbortSignal
  onFinish: (finish: Finish) => void
}

/**
 * What a runner sends to cancel a step. Linux and macOS: SIGINT, then SIGTERM. Windows: Ctrl+C,
 * then Ctrl+Break, which Node surfaces as SIGINT and SIGBREAK (SIGTERM never arrives there).
 */
export function cancelSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM']
}

/**
 * Runs an action's body. The API key is masked before anything else can be printed; any error
 * fails the step with one prefix. A signal makes the run cancelled whatever the body did after it,
 * even if its work happened to complete. Node is left to exit by itself (an explicit
 * process.exit() right after a large download has hung Node 24 at shutdown).
 */
export async function runAction(
  action: string,
  body: (context: RunContext) => Promise<void>,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  addSecret(core.getInput(Inputs.ApiKey))

  const controller = new AbortController()
  let received: string | undefined
  const handlers = cancelSignals(platform).map((name) => {
    const handler = (): void => {
      if (received) return
      received = name
      warning(`${name} received: stopping`)
      controller.abort()
    }
    process.on(name, handler)
    return [name, handler] as const
  })
  let finish: Finish | undefined
  let failure: unknown
  try {
    await body({ signal: controller.signal, onFinish: (f) => (finish = f) })
  } catch (err) {
    failure = err
  }
  // The handlers stay until the outputs are written: a signal then must not kill the process mid-write.
  const settle = (): [Outcome, string | undefined] => {
    if (received !== undefined || failure instanceof CancelledError) {
      return ['cancelled', `cancelled by ${received ?? 'an abort'}`]
    }
    return failure === undefined ? ['succeeded', undefined] : ['failed', errorMessage(failure)]
  }
  const [outcome, reason] = settle()
  try {
    await finish?.(outcome, reason)
  } catch (err) {
    warning(`could not write the outputs or summary: ${errorMessage(err)}`)
  }
  for (const [name, handler] of handlers) process.off(name, handler)
  // A signal that came while the outputs were written still cancels the step.
  const [final, why] = settle()
  if (final !== 'succeeded') fail(`${action} failed: ${why}`)
}

/**
 * What each action is: its inputs, what it knows as it goes, its work, and what it tells on every
 * outcome (outputs and summary, from what is known by then).
 */
export interface ActionSpec<I, K> {
  name: string
  readInputs(get: GetInput): I
  /** What is known before any work: the state the outputs and summary are made from. */
  start(inputs: I): K
  work(inputs: I, known: K, signal: AbortSignal): Promise<void>
  outputs(inputs: I, known: K): Record<string, string | undefined>
  summary(inputs: I, known: K): Omit<SummaryRows, 'outcome' | 'reason'>
}

/** Runs an action of that shape: inputs read inside the run (an input error fails the step), outputs and summary on every outcome. */
export async function run<I, K>(spec: ActionSpec<I, K>): Promise<void> {
  await runAction(spec.name, async ({ signal, onFinish }) => {
    const inputs = spec.readInputs(core.getInput)
    const known = spec.start(inputs)
    onFinish(async (outcome, reason) => {
      writeOutputs(spec.outputs(inputs, known))
      await writeSummary({ ...spec.summary(inputs, known), outcome, reason })
    })
    await spec.work(inputs, known, signal)
  })
}
