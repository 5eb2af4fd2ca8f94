// `--scenario NAME` and `--help` for the simulator CLI and the demo.

/** The scenario the command line names (or `fallback`); prints the list and exits on --help or a wrong name. */
export function chooseScenario<T extends { about: string }>(
  usage: string,
  scenarios: Record<string, T>,
  fallback: string
): [string, T] {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${usage}\n\nScenarios:`)
    for (const [name, { about }] of Object.entries(scenarios)) console.log(`  ${name.padEnd(10)} ${about}`)
    process.exit(0)
  }
  const at = args.indexOf('--scenario')
  const name = at >= 0 ? (args[at + 1] ?? '') : fallback
  const scenario = scenarios[name]
  if (!scenario) {
    console.error(`unknown scenario "${name}": one of ${Object.keys(scenarios).join(', ')} (--help lists them)`)
    process.exit(2)
  }
  return [name, scenario]
}
