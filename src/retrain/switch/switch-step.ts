import { ApiClient, isFailureStatus } from '../api.js'
import { Deadline } from '../../clock.js'
import { ActionError, ApiError } from '../../errors.js'
import { Defaults, Outputs } from '../contract.js'
import { info } from '../../log.js'
import { oneLine } from '../../text.js'
import { retryReporter } from '../report.js'
import type { Step } from '../step.js'
import { readCommon, readJobId, type CommonInputs } from '../inputs.js'

const NOT_FINISHED = 'retrain job is not finished.'

/**
 * The API refuses a switch to a job that has not finished, and to one that failed, with the same
 * message: a failed job is told apart by its status, asked once; the API's own error stands otherwise.
 */
async function whyNotFinished(client: ApiClient, jobId: string, refused: ApiError, deadline: Deadline): Promise<Error> {
  try {
    const { status, message } = await client.getStatus(jobId, deadline)
    if (!isFailureStatus(status)) return refused
    const said = message ? ` (${oneLine(message, 200)})` : ''
    return new ActionError(
      `retrain job ${jobId} ended with status "${oneLine(status, 100)}"${said}: a failed job's model cannot be served; upload new data to start a new retrain`
    )
  } catch {
    return refused
  }
}

interface SwitchInputs extends CommonInputs {
  jobId: string
}

interface SwitchState {
  deadline: Deadline
  switched: boolean
}

export const switchStep: Step<SwitchInputs, SwitchState> = {
  name: 'prediction-one switch',
  readInputs: (get) => ({ ...readCommon(get, Defaults.SwitchTimeout), jobId: readJobId(get) }),
  initialState: (inputs) => ({ deadline: Deadline.after(inputs.timeoutMs), switched: false }),

  async perform(inputs, state, signal) {
    const client = new ApiClient({ ...inputs, signal, onRetry: retryReporter() })
    try {
      await client.updateModel(inputs.jobId, state.deadline)
    } catch (err) {
      if (err instanceof ApiError && err.apiMessage.trim().toLowerCase() === NOT_FINISHED) {
        throw await whyNotFinished(client, inputs.jobId, err, state.deadline)
      }
      throw err
    }
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
