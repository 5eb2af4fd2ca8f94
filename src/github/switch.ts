import { runStep } from './action.js'
import { switchStep } from '../retrain/switch/switch-step.js'

await runStep(switchStep)
