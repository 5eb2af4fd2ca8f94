import * as core from '@actions/core'
import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { readSwitchInputs } from './inputs.js'
import { info } from '../log.js'
import { retryReporter, writeOutputs, writeSummary } from '../report.js'
import { runAction } from '../runner.js'

const ACTION = 'prediction-one switch'
// One PUT, retried on transient faults for at most this long.
const SWITCH_BUDGET_MS = 5 * 60_000

export async function run(): Promise<void> {
  await runAction(ACTION, async ({ signal, onFinish }) => {
    const inputs = readSwitchInputs(core.getInput)
    const clock = systemClock
    let switched = false
    onFinish(async (outcome, reason) => {
      // Only a switch that happened says which job's model is served.
      writeOutputs({ [Outputs.RetrainJobId]: switched ? inputs.jobId : undefined })
      await writeSummary({
        title: `Prediction One model switch to retrain job ${inputs.jobId}`,
        outcome,
        reason,
        rows: [
          ['retrain job id', inputs.jobId],
          ['model switched', switched ? 'yes' : 'no']
        ]
      })
    })
    const client = new ApiClient({ ...inputs, clock, signal, onRetry: retryReporter() })
    await client.updateModel(inputs.jobId, clock.now() + SWITCH_BUDGET_MS)
    switched = true
    info(`The prediction API now serves the model of retrain job ${inputs.jobId}`)
  })
}
