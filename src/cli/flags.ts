// The tool's command line: each command's flags derived from its action's inputs (contract.ts), so a
// new input reaches the tool by itself; every flag also read from a P1_<NAME> variable (the flag
// wins); the API key from P1_API_KEY only. Nothing here knows what an input means: the step reads them.
import { parseArgs } from 'node:util'
import { BooleanDefaults, Inputs } from '../retrain/contract.js'
import { ActionInterface } from './commands.js'
import { parseBoolean, type GetInput } from '../retrain/inputs.js'

export type Command = keyof typeof ActionInterface
export const COMMANDS = Object.keys(ActionInterface) as Command[]

/** Bad usage: an unknown command or flag, a flag without its value, a missing P1_API_KEY. Exit code 2. */
export class UsageError extends Error {}

/** `retrain-job-id` -> `P1_RETRAIN_JOB_ID`: the variable a flag or an output goes by. */
export function variableOf(name: string): string {
  return `P1_${name.toUpperCase().replace(/-/g, '_')}`
}

/** The inputs a command takes as flags: its action's, but the key (a flag would show in process lists). */
export function flagInputs(command: Command): string[] {
  return ActionInterface[command].inputs.filter((name) => name !== Inputs.ApiKey)
}

/** How a user names an input: `--timeout (P1_TIMEOUT)`, `--no-wait (P1_WAIT)`, `P1_API_KEY`. */
export function describeInput(name: string): string {
  if (name === Inputs.ApiKey) return variableOf(name)
  const flag = BooleanDefaults[name] === true ? `--no-${name}` : `--${name}`
  return `${flag} (${variableOf(name)})`
}

export interface Invocation {
  command: Command
  /** An input by name (contract.ts): its flag, else its variable, else '' (the step's default). */
  get: GetInput
  json: boolean
  dotenv?: string
  help: boolean
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>

/** The tool's own flags, beside a command's inputs. */
const OWN: Options = { json: { type: 'boolean' }, dotenv: { type: 'string' }, help: { type: 'boolean', short: 'h' } }

function optionsOf(command: Command): Options {
  const options: Options = { ...OWN }
  for (const name of flagInputs(command)) {
    if (name in BooleanDefaults) {
      options[name] = { type: 'boolean' }
      options[`no-${name}`] = { type: 'boolean' }
    } else options[name] = { type: 'string' }
  }
  return options
}

/** Reads `<command> [flags]`; throws UsageError. `env` gives the variables (P1_*). */
export function parseInvocation(args: string[], env: NodeJS.ProcessEnv): Invocation {
  const command = args[0]
  if (command === undefined || command.startsWith('-')) throw new UsageError('no command given')
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"`)
  const options = optionsOf(command as Command)
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({ args: args.slice(1), options, allowPositionals: true, strict: true }))
  } catch (err) {
    // Node's text for an unknown flag is a paragraph; the flag's name is what the user needs.
    const unknown = (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    const flag = /'([^']+)'/.exec((err as Error).message)?.[1]
    throw new UsageError(unknown && flag ? `unknown flag ${flag}` : (err as Error).message)
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  const variable = (name: string): string => env[variableOf(name)] ?? ''
  const get: GetInput = (name) => {
    if (name === Inputs.ApiKey) return variable(name)
    if (name in BooleanDefaults) {
      if (values[name] && values[`no-${name}`]) throw new UsageError(`--${name} and --no-${name} both given`)
      if (values[name]) return 'true'
      if (values[`no-${name}`]) return 'false'
    } else if (typeof values[name] === 'string') return values[name]
    return variable(name)
  }
  return {
    command: command as Command,
    get,
    json: values.json === true || ownBoolean(env, 'json'),
    dotenv: typeof values.dotenv === 'string' ? values.dotenv : env[variableOf('dotenv')] || undefined,
    help: values.help === true
  }
}

function ownBoolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[variableOf(name)]
  if (raw === undefined || raw.trim() === '') return false
  try {
    return parseBoolean(variableOf(name), raw)
  } catch {
    throw new UsageError(`${variableOf(name)}: "${raw}" is not a boolean: use true or false`)
  }
}

/**
 * What --json and --dotenv say when the command line cannot be read as a whole, so that even a
 * usage error is reported where the caller looks for it.
 */
export function outputsWanted(args: string[], env: NodeJS.ProcessEnv): { json: boolean; dotenv?: string } {
  let json = false
  try {
    json = ownBoolean(env, 'json')
  } catch {
    // a P1_JSON that is not a boolean: the usage error says so
  }
  let dotenv = env[variableOf('dotenv')] || undefined
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--json') json = true
    else if (args[i] === '--dotenv' && i + 1 < args.length) dotenv = args[++i]
    else if (args[i].startsWith('--dotenv=')) dotenv = args[i].slice('--dotenv='.length)
  }
  return { json, dotenv }
}
