// npm run sim -- --scenario NAME: the simulator as a process of its own, for a workflow's self-test
// or a person trying the actions by hand. It prints what a workflow needs as NAME=value lines (the
// API URL, a key it accepts, what the scripted job will report), then serves until SIGINT/SIGTERM.
import { createHash, randomBytes } from 'node:crypto'
import { playScenario, SCENARIOS } from './scenarios.js'
import { chooseScenario } from './args.js'
import { startSimulator } from './simulator.js'

const [name, scenario] = chooseScenario('npm run sim -- [--scenario NAME]', SCENARIOS, 'finished')

const key = `p1-sim-${randomBytes(12).toString('hex')}`
const sim = playScenario(await startSimulator(), scenario, key)
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
