import { runStep } from './action.js'
import { uploadStep } from '../retrain/upload/upload-step.js'

await runStep(uploadStep)
