import { uploadStep } from '../retrain/upload/upload-step.js'
import { runAsAction } from './action.js'

await runAsAction(uploadStep)
