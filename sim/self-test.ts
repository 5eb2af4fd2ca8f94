// The self-test job of .github/workflows/ci.yml on this machine, step for step: the simulator CLI
// started as the workflow starts it, upload -> wait (with extract) -> switch run as the runner runs
// them, the workflow's checks of their outputs, then the documented-error step. npm run
// test:windows runs it under Windows node.exe; it runs on any system (node --import tsx
// sim/self-test.ts). Prints one line per check; the exit code is 1 when any failed.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, runAction, visibleText, type ActionRun } from './runner.js'

let failed = 0
function check(what: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${ok || !detail ? '' : `: ${detail}`}`)
  if (!ok) failed++
}
const isFile = (path: string | undefined): boolean => !!path && existsSync(path) && statSync(path).isFile()

// "Start the simulator": its NAME=value lines are what the workflow appends to GITHUB_ENV.
const sim = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim/cli.ts'), '--scenario', 'finished'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit']
})
let simLog = ''
sim.stdout.on('data', (chunk: Buffer) => (simLog += chunk.toString()))
for (let i = 0; i < 600 && !/^simulator ready/m.test(simLog); i++) await new Promise((r) => setTimeout(r, 100))
const env = Object.fromEntries(
  [...simLog.matchAll(/^(P1_\w+)=(.*?)\r?$/gm)].map((match) => [match[1], match[2]])
) as Record<string, string>
check('the simulator is ready', /^simulator ready/m.test(simLog), simLog)

const workspace = mkdtempSync(join(tmpdir(), 'p1-self-test-'))
const runs: ActionRun[] = []
try {
  const api = { 'api-key': env.P1_API_KEY, 'api-url': env.P1_API_URL }
  writeFileSync(join(workspace, 'train.csv'), 'x1,x2,target\n1,2,0\n3,4,1\n')
  const step = async (action: 'upload' | 'wait' | 'switch', inputs: Record<string, string>): Promise<ActionRun> => {
    const run = await runAction(action, inputs, { workspace })
    runs.push(run)
    return run
  }

  const upload = await step('upload', { ...api, file: 'train.csv' })
  check('upload succeeded', upload.code === 0, upload.stdout)
  const jobId = upload.outputs.retrain_job_id ?? ''
  const wait = await step('wait', {
    ...api,
    'retrain-job-id': jobId,
    'poll-interval': '1s',
    timeout: '2m',
    extract: 'true'
  })
  check('wait succeeded', wait.code === 0, wait.stdout)
  const switched = await step('switch', { ...api, 'retrain-job-id': wait.outputs.retrain_job_id ?? '' })
  check('switch succeeded', switched.code === 0, switched.stdout)

  // "The outputs hold what the simulator scripted".
  const { status, model_id, result_file, result_sha256, result_dir } = wait.outputs
  check('upload gave a retrain_job_id', jobId !== '')
  check('wait reports the uploaded job', wait.outputs.retrain_job_id === jobId)
  check('status is job_finished', status === 'job_finished', status)
  check('model_id is the scripted one', model_id === env.P1_MODEL_ID, model_id)
  check('result_sha256 is the scripted one', result_sha256 === env.P1_RESULT_SHA256, result_sha256)
  const actual = isFile(result_file) ? createHash('sha256').update(readFileSync(result_file)).digest('hex') : 'no file'
  check('result_file holds the scripted bytes', actual === env.P1_RESULT_SHA256, `${result_file}: ${actual}`)
  check('result_dir/metrics.json is a file', isFile(result_dir && join(result_dir, 'metrics.json')), result_dir)
  check('result_dir/evaluation.csv is a file', isFile(result_dir && join(result_dir, 'evaluation.csv')), result_dir)
  check('switch reports the uploaded job', switched.outputs.retrain_job_id === jobId)

  // "The documented error failed the step".
  const unknown = await step('wait', { ...api, 'retrain-job-id': 'no-such-job', timeout: '1m' })
  check('the unknown job failed the step', unknown.code !== 0 && unknown.code !== null, String(unknown.code))
  check('it still reports the job id', unknown.outputs.retrain_job_id === 'no-such-job')
  check('it reports no status', !unknown.outputs.status)
  check('it reports no result_file', !unknown.outputs.result_file)

  for (const run of runs) check('the key shows nowhere', !visibleText(run).includes(env.P1_API_KEY))
} finally {
  sim.kill()
  for (const run of runs) rmSync(run.dir, { recursive: true, force: true })
  rmSync(workspace, { recursive: true, force: true })
}
console.log(failed === 0 ? 'self-test: all checks passed' : `self-test: ${failed} checks failed`)
process.exitCode = failed === 0 ? 0 : 1
