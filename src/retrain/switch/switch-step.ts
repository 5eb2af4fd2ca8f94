import { ApiClient } from '../api.js'
import { Deadline } from '../../clock.js'
import { Outputs } from '../contract.js'
import { info } from '../../log.js'
import { retryReporter } from '../report.js'
import type { Step } from '../step.js'
import { readSwitchInputs, type SwitchInputs } from './switch-inputs.js'

interface SwitchState {
  deadline: Deadline
  switched: boolean
}

export const switchStep: Step<SwitchInputs, SwitchState> = {
  name: 'prediction-one switch',
  readInputs: (get) => readSwitchInputs(get),
  initialState: (inputs) => ({ deadline: Deadline.after(inputs.timeoutMs), switched: false }),

  async perform(inputs, state, signal) {
    const client = new ApiClient({ ...inputs, signal, onRetry: retryReporter() })
    await client.updateModel(inputs.jobId, state.deadline)
    state.switched = true
    info(`The prediction API now serves the model of retrain job ${inputs.jobId}`)
  },

  // Only a switch that happened says which job's model is served.
  outputs: (inputs, state) => ({ [Outputs.RetrainJobId]: state.switched ? inputs.jobId : undefined }),

  summary: (inputs, state) => ({
    title: `Prediction One model switch to retrain job ${inputs.jobId}`,
    rows: [
      ['retrain job id', inputs.jobId],
      ['model switched', state.switched ? 'yes' : 'no']
    ]
  })
}
