import * as core from '@actions/core'
import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { formatDuration } from '../format.js'
import { info } from '../log.js'
import { describeFile, retryReporter, writeOutputs, writeSummary, type Outcome } from '../report.js'
import { runAction } from '../runner.js'
import { describeOrigin } from '../url.js'
import { readUploadInputs, type UploadInputs } from './inputs.js'
import { putFile } from './put.js'

const ACTION = 'prediction-one upload'

interface Known {
  startedAt: number
  /** The job the API issued for this upload. */
  jobId?: string
  /** The file's bytes arrived: the retrain started. */
  uploaded: boolean
}

export async function run(): Promise<void> {
  await runAction(ACTION, async ({ signal, onFinish }) => {
    const inputs = readUploadInputs(core.getInput)
    const known: Known = { startedAt: systemClock.now(), uploaded: false }
    onFinish(async (outcome, reason) => {
      publish(known)
      await summarize(inputs, known, outcome, reason)
    })
    await work(inputs, known, signal)
  })
}

async function work(inputs: UploadInputs, known: Known, signal: AbortSignal): Promise<void> {
  const clock = systemClock
  const deadline = known.startedAt + inputs.timeoutMs
  const onRetry = retryReporter()
  const client = new ApiClient({ ...inputs, clock, signal, onRetry })
  const target = await client.getUploadUrl(inputs.filename, deadline)
  known.jobId = target.retrainJobId
  info(
    `Retrain job ${known.jobId}: uploading ${describeFile(inputs.filename, inputs.size)} to ${describeOrigin(target.uploadUrl)}`
  )
  await putFile({ ...inputs, url: target.uploadUrl, clock, deadline, signal, onRetry })
  known.uploaded = true
  info(`Uploaded in ${formatDuration(clock.now() - known.startedAt)}; the retrain starts by itself`)
}

// retrain_job_id names a retrain that started: the id of a job whose data never arrived would send a
// later wait step after a job that never runs. The summary still names it.
function publish(known: Known): void {
  writeOutputs({ [Outputs.RetrainJobId]: known.uploaded ? known.jobId : undefined })
}

async function summarize(inputs: UploadInputs, known: Known, outcome: Outcome, reason?: string): Promise<void> {
  await writeSummary({
    title: `Prediction One upload of ${inputs.filename}`,
    outcome,
    reason,
    rows: [
      ['retrain job id', known.jobId],
      [
        'data uploaded',
        known.jobId ? (known.uploaded ? 'yes: the retrain started' : 'no: this retrain job will not start') : undefined
      ],
      ['file', describeFile(inputs.filename, inputs.size)],
      ['elapsed', formatDuration(systemClock.now() - known.startedAt)]
    ]
  })
}
