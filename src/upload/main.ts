import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { formatBytes, formatDuration } from '../format.js'
import { info, warning } from '../log.js'
import { describeFile, retryReporter } from '../report.js'
import { run as runSpec, type ActionSpec } from '../runner.js'
import { describeOrigin } from '../url.js'
import { checkUpload, type Checked } from './check.js'
import { readUploadInputs, type UploadInputs } from './inputs.js'
import { putFile } from './put.js'

interface Known {
  /** Epoch ms (systemClock). */
  startedAt: number
  /** The job the API issued for this upload. */
  jobId?: string
  /** The file's bytes arrived: the retrain started. */
  uploaded: boolean
  /** What the check before the upload said; undefined when it was off or did not finish. */
  checked?: Checked
}

/** Checks the file before any request (a refusal throws); warnings go to the log. */
async function check(inputs: UploadInputs): Promise<Checked> {
  const checked = await checkUpload(inputs.file, inputs.filename, inputs.size)
  for (const line of checked.warnings) warning(`check: ${line}`)
  const read = checked.csvs.map(
    ({ name, read, size }) => `${name} (${read < size ? `first ${formatBytes(read)} of ` : ''}${formatBytes(size)})`
  )
  const said = checked.warnings.length ? `${checked.warnings.length} warning(s)` : 'no problem found'
  if (read.length) info(`Checked ${read.join(' and ')}: ${said}`)
  return checked
}

export const uploadAction: ActionSpec<UploadInputs, Known> = {
  name: 'prediction-one upload',
  readInputs: (get) => readUploadInputs(get),
  start: () => ({ startedAt: systemClock.now(), uploaded: false }),

  async work(inputs, known, signal) {
    if (inputs.validate) known.checked = await check(inputs)
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
  },

  // retrain_job_id names a retrain that started: the id of a job whose data never arrived would send
  // a later wait step after a job that never runs. The summary still names it.
  outputs: (_inputs, known) => ({ [Outputs.RetrainJobId]: known.uploaded ? known.jobId : undefined }),

  summary: (inputs, known) => ({
    title: `Prediction One upload of ${inputs.filename}`,
    rows: [
      ['retrain job id', known.jobId],
      [
        'data uploaded',
        known.jobId ? (known.uploaded ? 'yes: the retrain started' : 'no: this retrain job will not start') : undefined
      ],
      ['file', describeFile(inputs.filename, inputs.size)],
      [
        'checked',
        inputs.validate
          ? known.checked && `${known.checked.warnings.length || 'no'} warning(s)`
          : 'no (validate: false)'
      ],
      ['elapsed', formatDuration(systemClock.now() - known.startedAt)]
    ]
  })
}

export const run = (): Promise<void> => runSpec(uploadAction)
