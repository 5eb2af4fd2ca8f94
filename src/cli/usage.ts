// The help text, made from the same flags the command line accepts (flags.ts).
import { BooleanDefaults } from '../retrain/contract.js'
import { ActionInterface } from './commands.js'
import { flagInputs, variableOf, type Command } from './flags.js'

const ABOUT: Record<Command, string> = {
  upload: 'Upload training data; the upload starts a retrain job (output: retrain_job_id).',
  wait: 'Wait for a retrain job to finish, then download its result file.',
  switch: 'Make the prediction API serve the model of a finished retrain job.'
}

const COMMON = `Options of every command:
  --json           print one JSON object on stdout, on every outcome
  --dotenv FILE    write the outputs as P1_<OUTPUT>=value lines to FILE, on every outcome
  -h, --help       this help
The API key is read from P1_API_KEY only. Every flag can also be set as P1_<FLAG> (P1_TIMEOUT=10m);
a flag wins over its variable.
Exit codes: 0 done, 1 failed (job, API or storage), 2 bad usage or input, 3 timeout,
130 SIGINT, 143 SIGTERM.`

export function toolUsage(version: string): string {
  return `prediction-one-retrain ${version}: Sony Prediction One model retraining from any CI system.

Usage: prediction-one-retrain <command> [flags]
       prediction-one-retrain --version | --help
Commands (in the order of the chain):
${(Object.keys(ABOUT) as Command[]).map((command) => `  ${command.padEnd(8)} ${ABOUT[command]}`).join('\n')}
Run prediction-one-retrain <command> --help for its flags.
`
}

export function commandUsage(command: Command): string {
  const flags = flagInputs(command).map((name) => {
    const flag = name in BooleanDefaults ? `--${BooleanDefaults[name] ? 'no-' : ''}${name}` : `--${name} VALUE`
    return `  ${flag.padEnd(28)} ${variableOf(name)}`
  })
  const outputs = ActionInterface[command].outputs.join(', ')
  return `Usage: prediction-one-retrain ${command} [flags]
${ABOUT[command]}

Flags (and their variables):
${flags.join('\n')}
Durations read as the actions read them: 90 (seconds), 90s, 15m, 1h30m.
Outputs: ${outputs}.

${COMMON}
`
}
