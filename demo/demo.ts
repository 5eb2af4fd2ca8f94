// The whole retrain chain on this machine: upload -> wait (download, extract) -> switch, each
// action's committed bundle run as a runner would, against the simulator on 127.0.0.1.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator } from '../sim/simulator.js'
import { SCENARIOS } from '../sim/scenarios.js'
import { runAction, type ActionName, type ActionRun } from '../sim/runner.js'

const KEY = 'demo-retrain-key-0000'

function show(step: string, run: ActionRun): void {
  console.log(`\n=== ${step}: exit ${run.code} in ${(run.durationMs / 1000).toFixed(1)} s`)
  for (const line of run.stdout.split('\n')) {
    if (line === '' || line.startsWith('::add-mask::') || line.startsWith('::debug::')) continue
    console.log(`  | ${line}`)
  }
  console.log(`  outputs: ${JSON.stringify(run.outputs)}`)
}

async function step(name: ActionName, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(name, { 'api-key': KEY, 'api-url': sim.apiUrl, ...inputs })
  show(name, run)
  if (run.code !== 0) throw new Error(`${name} failed`)
  return run
}

const sim = (await startSimulator()).addKey(KEY)
sim.uploadScript = SCENARIOS.finished.script
try {
  console.log(`Simulated Prediction One API at ${sim.apiUrl}, storage at ${sim.storageUrl}`)
  const data = mkdtempSync(join(tmpdir(), 'p1-demo-'))
  const csv = join(data, 'train.csv')
  writeFileSync(csv, 'x1,x2,target\n' + Array.from({ length: 1000 }, (_, i) => `${i},${i % 7},${i % 2}`).join('\n'))

  const upload = await step('upload', { file: csv })
  const jobId = upload.outputs.retrain_job_id
  const wait = await step('wait', { 'retrain-job-id': jobId, 'poll-interval': '1s', timeout: '2m', extract: 'true' })
  console.log(`  result_dir holds: ${readdirSync(wait.outputs.result_dir).join(', ')}`)
  await step('switch', { 'retrain-job-id': jobId })

  const uploaded = sim.jobs.get(jobId)?.uploaded?.length
  const storageKeys = sim.seen('storage').filter((r) => r.headers['x-api-key'] !== undefined).length
  console.log(`\nSimulator saw: ${sim.requests.length} requests; ${uploaded} bytes uploaded;`)
  console.log(
    `  model switched: ${sim.jobs.get(jobId)?.switched}; requests to storage carrying the key: ${storageKeys}`
  )
} finally {
  await sim.close()
}
