// The one place where how a run ended becomes what the tool leaves: the error line, the JSON, the
// dotenv file, the Azure variables, and the exit code.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { InputError } from '../errors.js'
import { warning } from '../log.js'
import { Inputs } from '../retrain/contract.js'
import { ActionInterface } from './commands.js'
import { outcomeOf, type Outcome } from '../retrain/step.js'
import { oneLine } from '../text.js'
import { ExitCode, exitCodeOf } from './exit-code.js'
import { describeInput, type Command } from './flags.js'
import { azureVariablesOf, dotenvOf, jsonOf, writeFileAtomically, type Result } from './results.js'
import { neutralise } from './terminal-host.js'

export interface Terminal {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

export interface Report {
  command?: Command
  stepName?: string
  json: boolean
  dotenv?: string
  failure: unknown
  received?: string
  /** The outputs that can be passed on (runStep checked them). */
  outputs?: Record<string, string>
  env: NodeJS.ProcessEnv
  terminal: Terminal
  hint?: string
}

/** The error as the user names things: an input as its flag and variable. */
function reasonOf(failure: unknown, outcome: Outcome, reason: string | undefined): string | undefined {
  if (outcome !== 'failed') return reason
  // The actions' advice on an empty key speaks of GitHub's secrets; here the key is a variable.
  if (failure instanceof InputError && failure.input === Inputs.ApiKey && /^is required/.test(failure.detail)) {
    return "P1_API_KEY is not set: give it the model's retrain API key, from your CI system's secret variables"
  }
  if (failure instanceof InputError) return `${describeInput(failure.input)}: ${failure.detail}`
  return reason
}

/** Results on every outcome; returns the exit code. */
export function report({
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
  let exitCode = exitCodeOf(failure, received)
  const reason = reasonOf(failure, outcome, why)
  const error = reason === undefined ? undefined : oneLine(reason)
  if (error !== undefined) {
    terminal.stderr(
      `error: ${neutralise(oneLine(`${stepName ?? 'prediction-one-retrain'} ${outcome === 'cancelled' ? 'stopped' : 'failed'}: ${error}`))}\n`
    )
  }
  if (hint) terminal.stderr(`Run ${hint} for usage.\n`)
  const known: Record<string, string | null> = {}
  for (const name of command ? ActionInterface[command].outputs : []) known[name] = outputs[name] ?? null
  if (dotenv) {
    try {
      mkdirSync(dirname(resolve(dotenv)), { recursive: true })
      writeFileAtomically(resolve(dotenv), dotenvOf(known))
    } catch (err) {
      // The next job would go on without what this one learnt (a job id): not a success.
      warning(`the dotenv file ${dotenv} could not be written: ${(err as Error).message}`)
      if (exitCode === ExitCode.Done) exitCode = ExitCode.Failed
    }
  }
  // The Azure agent reads logging commands from stdout; with --json, stdout holds the JSON alone and
  // the variables go to stderr, which the agent reads as well.
  if (env.TF_BUILD?.toLowerCase() === 'true') (json ? terminal.stderr : terminal.stdout)(azureVariablesOf(known))
  if (json) terminal.stdout(jsonOf({ outcome, exitCode, error, outputs: known } satisfies Result))
  return exitCode
}
