// npm run sim -- --scenario NAME: the simulator as a process of its own, for a workflow's self-test
// or a person trying the actions by hand. It prints what a workflow needs as NAME=value lines (the
// API URL, a key it accepts, what the scripted job will report), then serves until SIGINT/SIGTERM.
import { createHash, randomBytes } from 'node:crypto'
import { SCENARIOS } from './scenarios.js'
import { startSimulator } from './simulator.js'

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log('npm run sim -- [--scenario NAME]\n\nScenarios (what a job started by an upload goes through):')
  for (const [name, { about }] of Object.entries(SCENARIOS)) console.log(`  ${name.padEnd(10)} ${about}`)
  process.exit(0)
}
const at = args.indexOf('--scenario')
const name = at >= 0 ? args[at + 1] : 'finished'
const scenario = SCENARIOS[name ?? '']
if (!scenario) {
  console.error(`unknown scenario "${name}": one of ${Object.keys(SCENARIOS).join(', ')}`)
  process.exit(2)
}

const key = `p1-sim-${randomBytes(12).toString('hex')}`
const sim = (await startSimulator()).addKey(key)
sim.uploadScript = scenario.script
const result = scenario.script.result
const facts: Record<string, string> = {
  P1_SCENARIO: name,
  P1_API_URL: sim.apiUrl,
  P1_API_KEY: key,
  P1_MODEL_ID: scenario.script.modelId === undefined ? '' : String(scenario.script.modelId),
  P1_RESULT_SHA256: result ? createHash('sha256').update(result).digest('hex') : ''
}
for (const [fact, value] of Object.entries(facts)) console.log(`${fact}=${value}`)
console.log('simulator ready; stop it with Ctrl+C')

for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => console.log(`simulator stopped after ${sim.requests.length} requests`))
  })
}
