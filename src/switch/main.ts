import * as core from '@actions/core'
import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { info } from '../log.js'
import { retryReporter, writeOutputs, writeSummary, type Outcome } from '../report.js'
import { runAction } from '../runner.js'
import { readSwitchInputs, type SwitchInputs } from './inputs.js'

const ACTION = 'prediction-one switch'
// One PUT, retried on transient faults for at most this long.
const SWITCH_BUDGET_MS = 5 * 60_000

interface Known {
  switched: boolean
}

export async function run(): Promise<void> {
  await runAction(ACTION, async ({ signal, onFinish }) => {
    const inputs = readSwitchInputs(core.getInput)
    const known: Known = { switched: false }
    onFinish(async (outcome, reason) => {
      publish(inputs, known)
      await summarize(inputs, known, outcome, reason)
    })
    await work(inputs, known, signal)
  })
}

async function work(inputs: SwitchInputs, known: Known, signal: AbortSignal): Promise<void> {
  const client = new ApiClient({ ...inputs, clock: systemClock, signal, onRetry: retryReporter() })
  await client.updateModel(inputs.jobId, systemClock.now() + SWITCH_BUDGET_MS)
  known.switched = true
  info(`The prediction API now serves the model of retrain job ${inputs.jobId}`)
}

// Only a switch that happened says which job's model is served.
function publish(inputs: SwitchInputs, known: Known): void {
  writeOutputs({ [Outputs.RetrainJobId]: known.switched ? inputs.jobId : undefined })
}

async function summarize(inputs: SwitchInputs, known: Known, outcome: Outcome, reason?: string): Promise<void> {
  await writeSummary({
    title: `Prediction One model switch to retrain job ${inputs.jobId}`,
    outcome,
    reason,
    rows: [
      ['retrain job id', inputs.jobId],
      ['model switched', known.switched ? 'yes' : 'no']
    ]
  })
}
