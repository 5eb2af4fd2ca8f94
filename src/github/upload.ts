// The upload action as @github/local-action and the entry point see it: run() runs the step.
import { uploadStep } from '../retrain/upload/upload-step.js'
import { runAsAction } from './action.js'

export const run = (): Promise<void> => runAsAction(uploadStep)
