import * as core from '@actions/core'
import { ApiClient } from '../api.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { describeOrigin } from '../http.js'
import { readUploadInputs } from '../inputs.js'
import { describeFile, formatDuration, maskUrl, retryReporter, writeOutputs, writeSummary } from '../report.js'
import { runAction } from '../runner.js'
import { putFile } from '../upload.js'

const ACTION = 'prediction-one upload'

export async function run(): Promise<void> {
  await runAction(ACTION, async ({ signal, onFinish }) => {
    const inputs = readUploadInputs(core.getInput)
    const clock = systemClock
    const started = clock.now()
    const deadline = started + inputs.timeoutMs
    const onRetry = retryReporter()
    let jobId: string | undefined
    onFinish(async (outcome, reason) => {
      writeOutputs({ [Outputs.RetrainJobId]: jobId })
      await writeSummary({
        title: `Prediction One upload of ${inputs.filename}`,
        outcome,
        reason,
        rows: [
          ['retrain job id', jobId],
          ['file', describeFile(inputs.filename, inputs.size)],
          ['elapsed', formatDuration(clock.now() - started)]
        ]
      })
    })
    const client = new ApiClient({ ...inputs, clock, signal, onRetry })
    const target = await client.getUploadUrl(inputs.filename, deadline)
    maskUrl(target.uploadUrl)
    jobId = target.retrainJobId
    core.info(`Retrain job ${jobId}: uploading ${describeFile(inputs.filename, inputs.size)} to ${describeOrigin(target.uploadUrl)}`)
    await putFile({ ...inputs, url: target.uploadUrl, clock, deadline, signal, onRetry })
      core.info(`Uploaded in ${formatDuration(clock.now() - started)}; the retrain starts by itself`)
  })
}
