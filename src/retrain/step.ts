// What a step is, whichever front door runs it (the GitHub adapter, the command-line tool): its
// inputs, what it knows as it goes, its work, and what it tells on every outcome.
import { CancelledError, errorMessage } from '../errors.js'
import type { GetInput, Places } from './inputs.js'

export type Outcome = 'succeeded' | 'failed' | 'cancelled'

/** The summary of a step, as data: each front door shows it its own way. */
export interface Summary {
  title: string
  rows: [string, string | undefined][]
  /** More tables after the main one, each under a heading of its own. */
  tables?: { heading: string; header: string[]; rows: string[][] }[]
}

export interface Step<Inputs, State> {
  name: string
  /** Throws InputError before any request is made. `places`: an action's (actionPlaces) when not given. */
  readInputs(get: GetInput, places?: Places): Inputs
  /** What is known before any work: the state the outputs and summary are made from. */
  initialState(inputs: Inputs): State
  /** The work; it records what it learns in `state` as it goes. */
  perform(inputs: Inputs, state: State, signal: AbortSignal): Promise<void>
  /** By output name (contract.ts); undefined: not known. Called on every outcome. */
  outputs(inputs: Inputs, state: State): Record<string, string | undefined>
  summary(inputs: Inputs, state: State): Summary
}

/**
 * How a run ended. A signal makes it cancelled whatever the work did after it, even if the work
 * happened to complete; `cancelledBy` names the signal.
 */
export function outcomeOf(failure: unknown, cancelledBy: string | undefined): [Outcome, string | undefined] {
  if (cancelledBy !== undefined || failure instanceof CancelledError) {
    return ['cancelled', `cancelled by ${cancelledBy ?? 'an abort'}`]
  }
  return failure === undefined ? ['succeeded', undefined] : ['failed', errorMessage(failure)]
}
