// A step run as a command: inputs from flags and P1_* variables, signals as one abort, and the one
// place where how the run ended becomes the JSON, the dotenv file, the Azure variables and the exit code.
import { resolve } from 'node:path'
import { InputError } from '../errors.js'
import { useHost } from '../host.js'
import { warning } from '../log.js'
import { ActionInterface } from '../retrain/contract.js'
import type { Places } from '../retrain/inputs.js'
import { passableOutputs } from '../retrain/report.js'
import { outcomeOf, type Outcome, type Step } from '../retrain/step.js'
import { switchStep } from '../retrain/switch/switch-step.js'
import { uploadStep } from '../retrain/upload/upload-step.js'
import { waitStep } from '../retrain/wait/wait-step.js'
import { addSecret } from '../secrets.js'
import { cancelSignals } from '../signals.js'
import { oneLine } from '../text.js'
import { exitCodeOf } from './exit-code.js'
import { describeInput, outputsWanted, parseInvocation, UsageError, type Command } from './flags.js'
import { azureVariablesOf, dotenvOf, jsonOf, writeFileAtomically, type Result } from './results.js'
import { neutralise, terminalHost } from './terminal-host.js'
import { commandUsage, toolUsage } from './usage.js'

const STEPS: Record<Command, Step<never, never>> = {
  upload: uploadStep as Step<never, never>,
  wait: waitStep as Step<never, never>,
  switch: switchStep as Step<never, never>
}

export interface Terminal {
  stdout: (text: string) => void
  stderr: (text: string) => void
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
    const command = args[0] in STEPS ? (args[0] as Command) : undefined
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
  let outputs: Record<string, string | undefined> = {}
  let failure: unknown
  try {
    const inputs = step.readInputs(get, toolPlaces())
    const state = step.initialState(inputs)
    try {
      await step.perform(inputs, state, controller.signal)
    } finally {
      outputs = step.outputs(inputs, state)
    }
  } catch (err) {
    failure = err
  }
  // The handlers stay until the results are written: a signal then must not kill the process mid-write.
  const hint =
    failure instanceof UsageError || failure instanceof InputError
      ? `prediction-one-retrain ${command} --help`
      : undefined
  const code = report({ ...invocation, failure, received, outputs, env, terminal, hint, stepName: step.name })
  for (const [signal, handler] of handlers) process.off(signal, handler)
  return code
}

interface Report {
  command?: Command
  stepName?: string
  json: boolean
  dotenv?: string
  failure: unknown
  received?: string
  outputs?: Record<string, string | undefined>
  env: NodeJS.ProcessEnv
  terminal: Terminal
  hint?: string
}

/** The error as the user names things: an input as its flag and variable. */
function reasonOf(failure: unknown, outcome: Outcome, reason: string | undefined): string | undefined {
  if (outcome !== 'failed') return reason
  if (failure instanceof InputError) return `${describeInput(failure.input)}: ${failure.detail}`
  return reason
}

/** Results on every outcome; returns the exit code. */
function report({
  command,
  stepName,
  json,
  dotenv,
  failure,
  received,
  outputs = {},
  env,
  terminal,
  hint
}: Report): number {
  const [outcome, why] = outcomeOf(failure, received)
  const exitCode = exitCodeOf(failure, received)
  const reason = reasonOf(failure, outcome, why)
  const error = reason === undefined ? undefined : oneLine(reason)
  if (error !== undefined) {
    terminal.stderr(
      `error: ${neutralise(oneLine(`${stepName ?? 'prediction-one-retrain'} ${outcome === 'cancelled' ? 'stopped' : 'failed'}: ${error}`))}\n`
    )
  }
  if (hint) terminal.stderr(`Run ${hint} for usage.\n`)
  const known: Record<string, string | null> = {}
  const passable = passableOutputs(outputs)
  for (const name of command ? ActionInterface[command].outputs : []) known[name] = passable[name] ?? null
  const result: Result = { outcome, exitCode, error, outputs: known }
  if (dotenv) {
    try {
      writeFileAtomically(resolve(dotenv), dotenvOf(known))
    } catch (err) {
      warning(`the dotenv file ${dotenv} could not be written: ${(err as Error).message}`)
    }
  }
  // The Azure agent reads logging commands from stdout; with --json, stdout holds the JSON alone and
  // the variables go to stderr, which the agent reads as well.
  if (env.TF_BUILD?.toLowerCase() === 'true') (json ? terminal.stderr : terminal.stdout)(azureVariablesOf(known))
  if (json) terminal.stdout(jsonOf(result))
  return exitCode
}
