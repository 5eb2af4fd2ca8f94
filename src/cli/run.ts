// A step run as a command: inputs from flags and P1_* variables, signals as one abort; how the run
// ended is told by ending.ts.
import { resolve } from 'node:path'
import { InputError } from '../errors.js'
import { useHost } from '../host.js'
import type { Places } from '../retrain/inputs.js'
import { cancelSignals, runStep, type Step } from '../retrain/step.js'
import { switchStep } from '../retrain/switch/switch-step.js'
import { uploadStep } from '../retrain/upload/upload-step.js'
import { waitStep } from '../retrain/wait/wait-step.js'
import { addSecret } from '../secrets.js'
import { report, type Terminal } from './ending.js'
import { exitCodeOf } from './exit-code.js'
import { outputsWanted, parseInvocation, UsageError, type Command } from './flags.js'
import { terminalHost } from './terminal-host.js'
import { commandUsage, toolUsage } from './usage.js'

const STEPS: Record<Command, Step<unknown, unknown>> = {
  upload: uploadStep,
  wait: waitStep,
  switch: switchStep
}

const processTerminal: Terminal = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text)
}

/** The tool's places: relative paths and the default result folder (`prediction-one/<job id>`) under the working directory. */
function toolPlaces(): Places {
  return { workDir: process.cwd(), resultRoot: resolve('prediction-one') }
}

/** Runs the tool; resolves to its exit code (the caller sets process.exitCode: never process.exit()). */
export async function runTool(
  args: string[],
  version: string,
  env: NodeJS.ProcessEnv = process.env,
  terminal: Terminal = processTerminal
): Promise<number> {
  useHost(terminalHost(terminal.stderr))
  // Before anything can be printed: the key is redacted from every line.
  addSecret(env.P1_API_KEY)
  if (args.length === 1 && args[0] === '--version') {
    terminal.stdout(`${version}\n`)
    return 0
  }
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    terminal.stdout(toolUsage(version))
    return 0
  }
  let invocation
  try {
    invocation = parseInvocation(args, env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    const wanted = outputsWanted(args, env)
    const command = Object.hasOwn(STEPS, args[0] ?? '') ? (args[0] as Command) : undefined
    const hint = command ? `prediction-one-retrain ${command} --help` : 'prediction-one-retrain --help'
    return report({ ...wanted, command, failure: err, env, terminal, hint })
  }
  if (invocation.help) {
    terminal.stdout(commandUsage(invocation.command))
    return 0
  }
  const { command, get } = invocation
  const step = STEPS[command]
  let code = 1
  await runStep(step, {
    getInput: get,
    places: toolPlaces(),
    cancelSignals: cancelSignals(),
    report: ({ failure, signal, outputs }) => {
      const hint = failure instanceof InputError ? `prediction-one-retrain ${command} --help` : undefined
      code = report({ ...invocation, failure, received: signal, outputs, env, terminal, hint, stepName: step.name })
    },
    // A signal that came while the results were written still stops the tool as cancelled.
    conclude: ({ failure, signal }) => {
      if (signal) code = exitCodeOf(failure, signal)
    }
  })
  return code
}
