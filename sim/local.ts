// npm run local -- ACTION [--inputs FILE]: runs an action's committed bundle on this machine as a
// runner would, with inputs from a .env file (INPUT_API-KEY=..., the format of @github/local-action),
// against the simulator (npm run sim) or the real API with your own key. Prints the log as the
// Actions UI shows it, the outputs and the job summary. The run's temporary folder is removed,
// unless it holds the downloaded result: then it is kept and its path printed.
// (Not --env-file: Node reads a flag of that name itself, even after the script's name.)
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { parseArgs, parseEnv } from 'node:util'
import { runAction, unexpectedInputs, type ActionName } from './runner.js'
import { showRun } from './show.js'

const ACTIONS: ActionName[] = ['wait', 'upload', 'switch']
const { values, positionals } = parseArgs({
  options: { inputs: { type: 'string', default: '.env' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
  strict: false
})
const action = positionals[0] as ActionName
if (!ACTIONS.includes(action) || values.help) {
  console.log(`npm run local -- ${ACTIONS.join('|')} [--inputs FILE]   (FILE defaults to .env)

FILE holds one NAME=value a line: INPUT_<INPUT NAME>=value for the inputs (INPUT_API-KEY=...,
INPUT_RETRAIN-JOB-ID=...), anything else is set in the action's environment (RUNNER_DEBUG=1 for
debug lines, https_proxy, NODE_EXTRA_CA_CERTS). FILE is found from the folder you run the command in.`)
  process.exit(values.help ? 0 : 2)
}
// npm runs scripts in the package's folder; INIT_CWD is where the user typed the command.
const here = process.env.INIT_CWD ?? process.cwd()
const file = resolve(here, String(values.inputs))
if (!existsSync(file)) {
  console.error(
    `npm run local: no inputs file ${file}; write the inputs there, or name the file with --inputs FILE (npm run local -- --help)`
  )
  process.exit(2)
}

const inputs: Record<string, string> = {}
const env: Record<string, string> = {}
// What the user's own shell sets and a runner would have: a proxy, extra CAs, step debug.
for (const name of [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'RUNNER_DEBUG'
]) {
  if (process.env[name]) env[name] = process.env[name]
}
for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
  if (name.startsWith('INPUT_')) inputs[name.slice('INPUT_'.length).toLowerCase()] = value ?? ''
  else env[name] = value ?? ''
}

// The runner warns of inputs that action.yml does not declare, then runs the step all the same.
const unexpected = unexpectedInputs(action, inputs)
if (unexpected) console.log(`Warning: ${unexpected}`)

const run = await runAction(action, inputs, { workspace: here, env, killAfterMs: 73 * 3_600_000 })
showRun(action, run, env.RUNNER_DEBUG === '1')

const jobId = run.outputs.retrain_job_id
if (action === 'upload' && jobId) {
  console.log(`\nNext: add this line to ${relative(here, file) || file} for npm run local -- wait (then switch):`)
  console.log(`INPUT_RETRAIN-JOB-ID=${jobId}`)
}
const inTemp = [run.outputs.result_file, run.outputs.result_dir].filter((path) => {
  const inside = path ? relative(run.dir, path) : '..'
  return !inside.startsWith('..') && !isAbsolute(inside)
})
if (inTemp.length > 0) console.log(`\nThe result is kept in ${run.runnerTemp} (delete it when done).`)
else rmSync(run.dir, { recursive: true, force: true })
process.exitCode = run.code === 0 ? 0 : 1
