// A step run as a GitHub action: inputs from the runner, the one place where an error becomes a
// failed step, cancellation wired to the runner's signals, and the outputs and summary known so far
// written on every outcome.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { useHost } from '../host.js'
import { warning } from '../log.js'
import { Inputs } from '../retrain/contract.js'
import { passableOutputs } from '../retrain/report.js'
import { outcomeOf, type Outcome, type Step } from '../retrain/step.js'
import { addSecret } from '../secrets.js'
import { cancelSignals } from '../signals.js'
import { writeSummary } from './summary.js'
import { fail, workflowHost } from './workflow-host.js'

/** Writes the outputs and summary known so far; called once however the body ended. */
export type Finish = (outcome: Outcome, reason?: string) => Promise<void> | void

export interface RunContext {
  /** Aborted when the run is cancelled: sleeps and requests stop at once. */
  signal: AbortSignal
  onFinish: (finish: Finish) => void
}

/**
 * Runs a body as a step: the API key is masked before anything else can be printed; any error
 * fails the step with one prefix. A signal makes the run cancelled whatever the body did after it.
 * Node is left to exit by itself (an explicit process.exit() right after a large download has hung
 * Node 24 at shutdown).
 */
export async function runCancellable(
  name: string,
  body: (context: RunContext) => Promise<void>,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  useHost(workflowHost)
  addSecret(core.getInput(Inputs.ApiKey))

  const controller = new AbortController()
  let received: string | undefined
  const handlers = cancelSignals(platform).map((signal) => {
    const handler = (): void => {
      if (received) return
      received = signal
      warning(`${signal} received: stopping`)
      controller.abort()
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  let finish: Finish | undefined
  let failure: unknown
  try {
    await body({ signal: controller.signal, onFinish: (f) => (finish = f) })
  } catch (err) {
    failure = err
  }
  // The handlers stay until the outputs are written: a signal then must not kill the process mid-write.
  const [outcome, reason] = outcomeOf(failure, received)
  try {
    await finish?.(outcome, reason)
  } catch (err) {
    warning(`could not write the outputs or summary: ${errorMessage(err)}`)
  }
  for (const [signal, handler] of handlers) process.off(signal, handler)
  // A signal that came while the outputs were written still cancels the step.
  const [final, why] = outcomeOf(failure, received)
  if (final !== 'succeeded') fail(`${name} failed: ${why}`)
}

/**
 * Runs a step as an action: inputs read inside the run (an input error fails the step), outputs
 * (through the runner's output file, where no text can act as a command) and summary on every outcome.
 */
export async function runStep<I, S>(step: Step<I, S>): Promise<void> {
  await runCancellable(step.name, async ({ signal, onFinish }) => {
    const inputs = step.readInputs(core.getInput)
    const state = step.initialState(inputs)
    onFinish(async (outcome, reason) => {
      for (const [name, value] of Object.entries(passableOutputs(step.outputs(inputs, state))))
        core.setOutput(name, value)
      await writeSummary(step.summary(inputs, state), outcome, reason)
    })
    await step.perform(inputs, state, signal)
  })
}
