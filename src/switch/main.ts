import { ApiClient, isFailureStatus } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { ActionError, ApiError } from '../errors.js'
import { info, oneLine } from '../log.js'
import { retryReporter } from '../report.js'
import { run as runSpec, type ActionSpec } from '../runner.js'
import { readSwitchInputs, type SwitchInputs } from './inputs.js'

// One PUT, retried on transient faults for at most this long.
const SWITCH_BUDGET_MS = 5 * 60_000
// The one status check after a refused switch, to tell a failed job from one still running.
const STATUS_BUDGET_MS = 60_000
const NOT_FINISHED = 'retrain job is not finished.'

/**
 * The API refuses a switch to a job that has not finished, and to one that failed, with the same
 * message: a failed job is told apart by its status, asked once; the API's own error stands otherwise.
 */
async function whyNotFinished(client: ApiClient, jobId: string, refused: ApiError): Promise<Error> {
  try {
    const { status, message } = await client.getStatus(jobId, systemClock.now() + STATUS_BUDGET_MS)
    if (!isFailureStatus(status)) return refused
    const said = message ? ` (${oneLine(message, 200)})` : ''
    return new ActionError(
      `retrain job ${jobId} ended with status "${oneLine(status, 100)}"${said}: a failed job's model cannot be served; upload new data to start a new retrain`
    )
  } catch {
    return refused
  }
}

interface Known {
  switched: boolean
}

export const switchAction: ActionSpec<SwitchInputs, Known> = {
  name: 'prediction-one switch',
  readInputs: readSwitchInputs,
  start: () => ({ switched: false }),

  async work(inputs, known, signal) {
    const client = new ApiClient({ ...inputs, clock: systemClock, signal, onRetry: retryReporter() })
    try {
      await client.updateModel(inputs.jobId, systemClock.now() + SWITCH_BUDGET_MS)
    } catch (err) {
      if (err instanceof ApiError && err.apiMessage.trim().toLowerCase() === NOT_FINISHED) {
        throw await whyNotFinished(client, inputs.jobId, err)
      }
      throw err
    }
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
