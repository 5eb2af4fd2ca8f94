// `--scenario NAME` and `--help` for the simulator CLI and the demo.
import { parseArgs } from 'node:util'

/** The scenario the command line names (or `fallback`); prints the list and exits on --help or a wrong name. */
export function chooseScenario<T extends { about: string }>(
  usage: string,
  scenarios: Record<string, T>,
  fallback: string
): [string, T] {
  const { values } = parseArgs({
    options: { scenario: { type: 'string', default: fallback }, help: { type: 'boolean', short: 'h' } },
    strict: false
  })
  if (values.help) {
    console.log(`${usage}\n\nScenarios:`)
    for (const [name, { about }] of Object.entries(scenarios)) console.log(`  ${name.padEnd(12)} ${about}`)
    process.exit(0)
  }
  const name = typeof values.scenario === 'string' ? values.scenario : ''
  const scenario = scenarios[name]
  if (!scenario) {
    console.error(`unknown scenario "${name}": one of ${Object.keys(scenarios).join(', ')} (--help lists them)`)
    process.exit(2)
  }
  return [name, scenario]
}
