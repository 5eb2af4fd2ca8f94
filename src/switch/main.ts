import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { info } from '../log.js'
import { retryReporter } from '../report.js'
import { run as runSpec, type ActionSpec } from '../runner.js'
import { readSwitchInputs, type SwitchInputs } from './inputs.js'

// One PUT, retried on transient faults for at most this long.
const SWITCH_BUDGET_MS = 5 * 60_000

interface Known {
  switched: boolean
}

export const switchAction: ActionSpec<SwitchInputs, Known> = {
  name: 'prediction-one switch',
  readInputs: readSwitchInputs,
  start: () => ({ switched: false }),

  async work(inputs, known, signal) {
    const client = new ApiClient({ ...inputs, clock: systemClock, signal, onRetry: retryReporter() })
    await client.updateModel(inputs.jobId, systemClock.now() + SWITCH_BUDGET_MS)
    known.switched = true
    info(`The prediction API now serves the model of retrain job ${inputs.jobId}`)
  },

  // Only a switch that happened says which job's model is served.
  outputs: (inputs, known) => ({ [Outputs.RetrainJobId]: known.switched ? inputs.jobId : undefined }),

  summary: (inputs, known) => ({
    title: `Prediction One model switch to retrain job ${inputs.jobId}`,
    rows: [
      ['retrain job id', inputs.jobId],
      ['model switched', known.switched ? 'yes' : 'no']
    ]
  })
}

export const run = (): Promise<void> => runSpec(switchAction)
