// npm run demo [-- --scenario NAME]: the actions' committed bundles run as a runner would, against
// the simulator on 127.0.0.1, showing what a user sees in the Actions UI: the log (annotations as
// the UI shows them), the outputs and the job summary. Temporary folders are removed at the end.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { chooseScenario } from '../sim/args.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, type ActionName, type ActionRun, type RunOptions } from '../sim/runner.js'
import { showRun } from '../sim/show.js'
import { SCENARIOS } from '../sim/scenarios.js'
import { startSimulator, type Simulator } from '../sim/simulator.js'

const KEY = 'demo-retrain-key-0000'

const DEMOS: Record<string, { about: string; run: (sim: Simulator) => Promise<void> }> = {
  chain: { about: 'upload, wait (download, extract), switch: the whole retrain (the default)', run: chain },
  failed: { about: 'the retrain job fails: the wait step fails with the API message', run: failed },
  'wrong-key': { about: 'a documented API error: the key does not exist', run: wrongKey },
  timeout: { about: 'the job outlasts the timeout: the step fails, naming the last status', run: timedOut },
  cancelled: { about: 'the run is cancelled while waiting (SIGINT, as the runner sends it)', run: cancelled }
}

const cleanup: string[] = []
// Piped into `head`, the demo still removes its temporary folders: a closed pipe is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
})

async function step(
  sim: Simulator,
  name: ActionName,
  inputs: Record<string, string>,
  options?: RunOptions
): Promise<ActionRun> {
  const run = await runAction(name, { 'api-key': KEY, 'api-url': sim.apiUrl, ...inputs }, options)
  showRun(name, run)
  cleanup.push(run.dir)
  return run
}

function dataFile(): string {
  const data = mkdtempSync(join(tmpdir(), 'p1-demo-'))
  cleanup.push(data)
  const csv = join(data, 'train.csv')
  writeFileSync(csv, 'x1,x2,target\n' + Array.from({ length: 1000 }, (_, i) => `${i},${i % 7},${i % 2}`).join('\n'))
  return csv
}

async function chain(sim: Simulator): Promise<void> {
  const upload = await step(sim, 'upload', { file: dataFile() })
  const jobId = upload.outputs.retrain_job_id
  const wait = await step(sim, 'wait', {
    'retrain-job-id': jobId,
    'poll-interval': '1s',
    timeout: '2m',
    extract: 'true'
  })
  console.log(`  result_dir holds: ${readdirSync(wait.outputs.result_dir).join(', ')}`)
  await step(sim, 'switch', { 'retrain-job-id': jobId })
  const storageKeys = sim.seen('storage').filter((r) => r.headers['x-api-key'] !== undefined).length
  console.log(`\nSimulator saw ${sim.requests.length} requests; model switched: ${sim.jobs.get(jobId)?.switched};`)
  console.log(`  requests to the storage host carrying the key: ${storageKeys}`)
}

async function failed(sim: Simulator): Promise<void> {
  sim.addJob('rj-failing', SCENARIOS.failed.script)
  await step(sim, 'wait', { 'retrain-job-id': 'rj-failing', 'poll-interval': '1s' })
}

async function wrongKey(sim: Simulator): Promise<void> {
  sim.addJob('rj-1', SCENARIOS.finished.script)
  await step(sim, 'wait', { 'retrain-job-id': 'rj-1', 'api-key': 'a-key-that-does-not-exist' })
}

async function timedOut(sim: Simulator): Promise<void> {
  sim.addJob('rj-slow', { statuses: ['queued', 'running'] })
  await step(sim, 'wait', { 'retrain-job-id': 'rj-slow', 'poll-interval': '1s', timeout: '3s' })
}

async function cancelled(sim: Simulator): Promise<void> {
  sim.addJob('rj-long', { statuses: ['running'] })
  await step(
    sim,
    'wait',
    { 'retrain-job-id': 'rj-long', 'poll-interval': '1s' },
    {
      onStdout: (text, child) => {
        if (text.includes('is "running"') && !child.killed) setTimeout(() => child.kill('SIGINT'), 1500)
      }
    }
  )
}

const [name, demo] = chooseScenario('npm run demo [-- --scenario NAME]', DEMOS, 'chain')

const sim = (await startSimulator()).addKey(KEY)
sim.uploadScript = SCENARIOS.finished.script
try {
  console.log(`Scenario ${name}: ${demo.about}`)
  console.log(`Simulated Prediction One API at ${sim.apiUrl}, storage host at ${sim.storageUrl}`)
  await demo.run(sim)
} finally {
  await sim.close()
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true })
}
