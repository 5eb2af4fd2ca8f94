// A step run as a GitHub action: inputs from the runner, outputs through its output file (where no
// text can act as a command), the job summary, and the one place where an error fails the step.
import * as core from '@actions/core'
import { useHost } from '../host.js'
import { Inputs } from '../retrain/contract.js'
import { cancelSignals, runStep, type FrontDoor, type Step } from '../retrain/step.js'
import { addSecret } from '../secrets.js'
import { writeSummary } from './summary.js'
import { fail, workflowHost } from './workflow-host.js'

/** The runner as a front door: `name` prefixes the failure. */
export function actionDoor(name: string, platform: NodeJS.Platform = process.platform): FrontDoor {
  return {
    getInput: core.getInput,
    cancelSignals: cancelSignals(platform),
    async report({ outputs, summary, outcome, reason }) {
      for (const [output, value] of Object.entries(outputs)) core.setOutput(output, value)
      if (summary) await writeSummary(summary, outcome, reason)
    },
    conclude({ outcome, reason }) {
      if (outcome !== 'succeeded') fail(`${name} failed: ${reason}`)
    }
  }
}

export async function runAsAction<I, S>(step: Step<I, S>): Promise<void> {
  useHost(workflowHost)
  // Masked before anything else can be printed.
  addSecret(core.getInput(Inputs.ApiKey))
  await runStep(step, actionDoor(step.name))
}
