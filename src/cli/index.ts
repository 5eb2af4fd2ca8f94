// prediction-one-retrain: the retrain chain from any CI system, on the actions' core.
import { runTool } from './run.js'
import { VERSION } from './version.js'

// A stdout that cannot take more (a full disk, a closed pipe) must not crash the run: the exit code
// and the dotenv file still tell.
process.stdout.on('error', () => undefined)
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  // Node 22 reads a JSON number's source text: without it, a long model_id would not stay exact.
  process.stderr.write(`error: prediction-one-retrain needs Node 22 or later; this is Node ${process.versions.node}\n`)
  process.exitCode = 2
} else {
  // Node is left to exit by itself: process.exit() right after a large download has hung Node 24.
  process.exitCode = await runTool(process.argv.slice(2), VERSION)
}
