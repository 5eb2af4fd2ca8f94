import * as core from '@actions/core'
import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { info } from '../log.js'
import { describeFile, formatDuration, retryReporter, writeOutputs, writeSummary } from '../report.js'
import { runAction } from '../runner.js'
import { describeOrigin } from '../url.js'
import { readUploadInputs } from './inputs.js'
import { putFile } from './put.js'

const ACTION = 'prediction-one upload'

export async function run(): Promise<void> {
  await runAction(ACTION, async ({ signal, onFinish }) => {
    const inputs = readUploadInputs(core.getInput)
    const clock = systemClock
    const started = clock.now()
    const deadline = started + inputs.timeoutMs
    const onRetry = retryReporter()
    let issuedId: string | undefined
    let uploaded = false
    onFinish(async (outcome, reason) => {
      // retrain_job_id names a retrain that started: the id of a job whose data never arrived would
      // send a later wait step after a job that never runs. The summary still names it.
      writeOutputs({ [Outputs.RetrainJobId]: uploaded ? issuedId : undefined })
      await writeSummary({
        title: `Prediction One upload of ${inputs.filename}`,
        outcome,
        reason,
        rows: [
          ['retrain job id', issuedId],
          ['data uploaded', issuedId ? (uploaded ? 'yes: the retrain started' : 'no: this retrain job will not start') : undefined],
          ['file', describeFile(inputs.filename, inputs.size)],
          ['elapsed', formatDuration(clock.now() - started)]
        ]
      })
    })
    const client = new ApiClient({ ...inputs, clock, signal, onRetry })
    const target = await client.getUploadUrl(inputs.filename, deadline)
    issuedId = target.retrainJobId
    info(`Retrain job ${issuedId}: uploading ${describeFile(inputs.filename, inputs.size)} to ${describeOrigin(target.uploadUrl)}`)
    await putFile({ ...inputs, url: target.uploadUrl, clock, deadline, signal, onRetry })
    uploaded = true
    info(`Uploaded in ${formatDuration(clock.now() - started)}; the retrain starts by itself`)
  })
}
