// The wait action as @github/local-action and the entry point see it: run() runs the step.
import { waitStep } from '../retrain/wait/wait-step.js'
import { runAsAction } from './action.js'

export const run = (): Promise<void> => runAsAction(waitStep)
