// prediction-one-retrain: the retrain chain from any CI system, on the actions' core.
import { runTool } from './run.js'
import { VERSION } from './version.js'

// Node is left to exit by itself: process.exit() right after a large download has hung Node 24.
process.exitCode = await runTool(process.argv.slice(2), VERSION)
