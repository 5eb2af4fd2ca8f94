// A step run as a command: inputs from flags and P1_* variables, signals as one abort; how the run
// ended is told by ending.ts.
import { resolve } from 'node:path'
import { InputError } from '../errors.js'
import { useHost } from '../host.js'
import { warning } from '../log.js'
import type { GetInput, Places } from '../retrain/inputs.js'
import type { Step } from '../retrain/step.js'
import { switchStep } from '../retrain/switch/switch-step.js'
import { uploadStep } from '../retrain/upload/upload-step.js'
import { waitStep } from '../retrain/wait/wait-step.js'
import { addSecret } from '../secrets.js'
import { cancelSignals } from '../signals.js'
import { report, type Terminal } from './ending.js'
import { outputsWanted, parseInvocation, UsageError, type Command } from './flags.js'
import { terminalHost } from './terminal-host.js'
import { commandUsage, toolUsage } from './usage.js'

/** What a step's run left: its outputs known so far, and its failure if it failed. */
interface Ran {
  outputs: Record<string, string | undefined>
  failure?: unknown
}

/** Reads the inputs, then does the work; the outputs are read however the work ended. */
async function perform<I, S>(step: Step<I, S>, get: GetInput, signal: AbortSignal): Promise<Ran> {
  let inputs: I
  try {
    inputs = step.readInputs(get, toolPlaces())
  } catch (failure) {
    return { outputs: {}, failure }
  }
  const state = step.initialState(inputs)
  try {
    await step.perform(inputs, state, signal)
    return { outputs: step.outputs(inputs, state) }
  } catch (failure) {
    return { outputs: step.outputs(inputs, state), failure }
  }
}

const STEPS: Record<Command, { name: string; run: (get: GetInput, signal: AbortSignal) => Promise<Ran> }> = {
  upload: { name: uploadStep.name, run: (get, signal) => perform(uploadStep, get, signal) },
  wait: { name: waitStep.name, run: (get, signal) => perform(waitStep, get, signal) },
  switch: { name: switchStep.name, run: (get, signal) => perform(switchStep, get, signal) }
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
  const controller = new AbortController()
  let received: string | undefined
  const handlers = cancelSignals().map((signal) => {
    const handler = (): void => {
      if (received) return
      received = signal
      warning(`${signal} received: stopping`)
      controller.abort()
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  const { outputs, failure } = await step.run(get, controller.signal)
  // The handlers stay until the results are written: a signal then must not kill the process mid-write.
  const hint =
    failure instanceof UsageError || failure instanceof InputError
      ? `prediction-one-retrain ${command} --help`
      : undefined
  const code = report({ ...invocation, failure, received, outputs, env, terminal, hint, stepName: step.name })
  for (const [signal, handler] of handlers) process.off(signal, handler)
  return code
}
