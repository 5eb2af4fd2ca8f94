import { waitStep } from '../retrain/wait/wait-step.js'
import { runAsAction } from './action.js'

await runAsAction(waitStep)
