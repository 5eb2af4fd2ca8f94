// The switch action as @github/local-action and the entry point see it: run() runs the step.
import { switchStep } from '../retrain/switch/switch-step.js'
import { runAsAction } from './action.js'

export const run = (): Promise<void> => runAsAction(switchStep)
