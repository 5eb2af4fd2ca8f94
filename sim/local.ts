// npm run local -- ACTION [--env-file FILE]: runs an action's committed bundle on this machine as a
// runner would, with inputs from a .env file (INPUT_API-KEY=..., the format of @github/local-action),
// against the simulator (npm run sim) or the real API with your own key. Prints the log as the
// Actions UI shows it, the outputs and the job summary; keeps the result files and says where.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs, parseEnv } from 'node:util'
import { runAction, type ActionName } from './runner.js'
import { showRun } from './show.js'

const ACTIONS: ActionName[] = ['wait', 'upload', 'switch']
const { values, positionals } = parseArgs({
  options: { 'env-file': { type: 'string', default: '.env' }, help: { type: 'boolean' } },
  allowPositionals: true,
  strict: false
})
const action = positionals[0] as ActionName
if (!ACTIONS.includes(action) || values.help) {
  console.log(`npm run local -- ${ACTIONS.join('|')} [--env-file FILE]   (FILE defaults to .env)

FILE holds one NAME=value a line: INPUT_<INPUT NAME>=value for the inputs (INPUT_API-KEY=...,
INPUT_RETRAIN-JOB-ID=...), anything else is set in the action's environment (RUNNER_DEBUG=1 for
debug lines, https_proxy, NODE_EXTRA_CA_CERTS). Relative paths are from the folder you run it in.`)
  process.exit(values.help ? 0 : 2)
}
// npm runs scripts in the package's folder; INIT_CWD is where the user typed the command.
const here = process.env.INIT_CWD ?? process.cwd()
const file = resolve(here, String(values['env-file']))
if (!existsSync(file)) {
  console.error(`no ${file}: write the inputs there (npm run local -- --help)`)
  process.exit(2)
}

const inputs: Record<string, string> = {}
const env: Record<string, string> = {}
for (const name of [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
  'NODE_EXTRA_CA_CERTS'
]) {
  if (process.env[name]) env[name] = process.env[name]
}
for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
  if (name.startsWith('INPUT_')) inputs[name.slice('INPUT_'.length).toLowerCase()] = value ?? ''
  else env[name] = value ?? ''
}

const run = await runAction(action, inputs, { workspace: here, env, killAfterMs: 73 * 3_600_000 })
showRun(action, run)
console.log(`\nThe runner's temp folder of this run (result files included): ${run.runnerTemp}`)
process.exitCode = run.code === 0 ? 0 : 1
