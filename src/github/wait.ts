import { runStep } from './action.js'
import { waitStep } from '../retrain/wait/wait-step.js'

await runStep(waitStep)
