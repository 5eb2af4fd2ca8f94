import { ApiClient, isFailureStatus } from '../api.js'
import { Deadline } from '../../clock.js'
import { ActionError, ApiError } from '../../errors.js'
import { Defaults, Outputs } from '../contract.js'
import { info } from '../../log.js'
import { oneLine } from '../../text.js'
import { retryReporter } from '../report.js'
import type { Step } from '../step.js'
import { readCommon, readJobId, type CommonInputs } from '../inputs.js'
import { NOT_FINISHED } from '../documented.js'

/**
 * The API refuses a switch to a job that has not finished, and to one that failed, with the same
 * message: a failed job is told apart by its status, asked once; the API's own error stands otherwise.
 */
async function whyRefused(client: ApiClient, jobId: string, refused: unknown, deadline: Deadline): Promise<unknown> {
  if (!(refused instanceof ApiError) || refused.apiMessage.trim().toLowerCase() !== NOT_FINISHED) return refused
  const job = await client.getStatus(jobId, deadline).catch(() => undefined)
  if (!job || !isFailureStatus(job.status)) return refused
  const said = job.message ? ` (${oneLine(job.message, 200)})` : ''
  return new ActionError(
    `retrain job ${jobId} ended with status "${oneLine(job.status, 100)}"${said}: a failed job's model cannot be served; upload new data to start a new retrain`
  )
}

interface SwitchState {
  deadline: Deadline
  switched: boolean
}

export const switchStep: Step<CommonInputs & { jobId: string }, SwitchState> = {
  name: 'prediction-one switch',
  readInputs: (get) => ({ ...readCommon(get, Defaults.SwitchTimeout), jobId: readJobId(get) }),
  initialState: (inputs) => ({ deadline: Deadline.after(inputs.timeoutMs), switched: false }),

  async perform(inputs, state, signal) {
    const client = new ApiClient({ ...inputs, signal, onRetry: retryReporter() })
    await client.updateModel(inputs.jobId, state.deadline).catch(async (err: unknown) => {
      throw await whyRefused(client, inputs.jobId, err, state.deadline)
    })
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
