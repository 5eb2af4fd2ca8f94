// What a step is, and how one runs under any front door: inputs read inside the run, signals turned
// into one abort, and what is known reported on every outcome.
import { CancelledError, errorMessage } from '../errors.js'
import { warning } from '../log.js'
import type { GetInput, Places } from './inputs.js'
import { passableOutputs } from './report.js'

export type Outcome = 'succeeded' | 'failed' | 'cancelled'

/** The summary of a step, as data: each front door shows it its own way. */
export interface Summary {
  title: string
  rows: [string, string | undefined][]
  tables?: { heading: string; header: string[]; rows: string[][] }[]
}

export interface Step<Inputs, State> {
  name: string
  /** Throws InputError before any request is made. */
  readInputs(get: GetInput, places?: Places): Inputs
  initialState(inputs: Inputs): State
  /** The work; it records what it learns in `state` as it goes, so that any outcome can report it. */
  perform(inputs: Inputs, state: State, signal: AbortSignal): Promise<void>
  /** By output name (contract.ts); undefined: not known. */
  outputs(inputs: Inputs, state: State): Record<string, string | undefined>
  summary(inputs: Inputs, state: State): Summary
}

/** How a run ended, and what was known by then (no outputs or summary when the inputs were refused). */
export interface RunEnd {
  outcome: Outcome
  reason?: string
  /** What was thrown, for a front door that tells failures apart (exit codes). */
  failure?: unknown
  signal?: NodeJS.Signals
  /** The outputs that can be passed on exactly. */
  outputs: Record<string, string>
  summary?: Summary
}

/** What a front door gives a run and takes from it. */
export interface FrontDoor {
  getInput: GetInput
  /** An action's places (actionPlaces) when not given. */
  places?: Places
  cancelSignals: NodeJS.Signals[]
  /** Writes what is known (outputs, summary); called once, however the run ended. */
  report(end: RunEnd): Promise<void> | void
  /** The verdict, once the report is written: a signal during the report still cancels the run. */
  conclude(end: RunEnd): void
}

/** What a runner sends to cancel: SIGINT, then SIGTERM; on Windows Ctrl+C, then Ctrl+Break (SIGINT, SIGBREAK). */
export function cancelSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM']
}

/** How a run ended: a signal, or a cancel, makes it cancelled whatever the work did after it. */
export function outcomeOf(failure: unknown, signal: string | undefined): [Outcome, string | undefined] {
  if (signal !== undefined || failure instanceof CancelledError)
    return ['cancelled', `cancelled by ${signal ?? 'an abort'}`]
  return failure === undefined ? ['succeeded', undefined] : ['failed', errorMessage(failure)]
}

/** Node exits by itself: a process.exit() right after a large download has hung Node 24 (nodejs/node#54918). */
export async function runStep<I, S>(step: Step<I, S>, door: FrontDoor): Promise<void> {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handlers = door.cancelSignals.map((signal) => {
    const handler = (): void => {
      if (received) return
      received = signal
      warning(`${signal} received: stopping`)
      controller.abort()
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  let known: { inputs: I; state: S } | undefined
  let failure: unknown
  try {
    const inputs = step.readInputs(door.getInput, door.places)
    known = { inputs, state: step.initialState(inputs) }
    await step.perform(inputs, known.state, controller.signal)
  } catch (err) {
    failure = err
  }
  // What is known is read once (a value that cannot be passed on is warned of once); the outcome is
  // read again for the verdict.
  const outputs = known ? passableOutputs(step.outputs(known.inputs, known.state)) : {}
  const summary = known && step.summary(known.inputs, known.state)
  const end = (): RunEnd => {
    const [outcome, reason] = outcomeOf(failure, received)
    return { outcome, reason, failure, signal: received, outputs, summary }
  }
  // The handlers stay until the report is written: a signal then must not kill the process mid-write.
  try {
    await door.report(end())
  } catch (err) {
    warning(`could not write the outputs or summary: ${errorMessage(err)}`)
  }
  for (const [signal, handler] of handlers) process.off(signal, handler)
  door.conclude(end())
}
