import { switchStep } from '../retrain/switch/switch-step.js'
import { runAsAction } from './action.js'

await runAsAction(switchStep)
