import { ApiClient } from '../api.js'
import { Deadline } from '../../clock.js'
import { Outputs } from '../contract.js'
import { formatBytes, formatDuration } from '../../text.js'
import { info, warning } from '../../log.js'
import { describeFile, retryReporter } from '../report.js'
import type { Step } from '../step.js'
import { describeOrigin } from '../../net/url.js'
import { readUploadInputs, type UploadInputs } from './upload-inputs.js'
import { putFile } from './put.js'
import { checkUpload, type Checked } from './check.js'

interface UploadState {
  deadline: Deadline
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

export const uploadStep: Step<UploadInputs, UploadState> = {
  name: 'prediction-one upload',
  readInputs: readUploadInputs,
  initialState: (inputs) => ({ deadline: Deadline.after(inputs.timeoutMs), uploaded: false }),

  async perform(inputs, state, signal) {
    if (inputs.validate) state.checked = await check(inputs)
    const { deadline } = state
    const onRetry = retryReporter()
    const client = new ApiClient({ ...inputs, signal, onRetry })
    const target = await client.getUploadUrl(inputs.filename, deadline)
    state.jobId = target.retrainJobId
    info(
      `Retrain job ${state.jobId}: uploading ${describeFile(inputs.filename, inputs.size)} to ${describeOrigin(target.uploadUrl)}`
    )
    await putFile({ ...inputs, url: target.uploadUrl, deadline, signal, onRetry })
    state.uploaded = true
    info(`Uploaded in ${formatDuration(deadline.elapsed())}; the retrain starts by itself`)
  },

  // retrain_job_id names a retrain that started: the id of a job whose data never arrived would send
  // a later wait step after a job that never runs. The summary still names it.
  outputs: (_inputs, state) => ({ [Outputs.RetrainJobId]: state.uploaded ? state.jobId : undefined }),

  summary: (inputs, state) => ({
    title: `Prediction One upload of ${inputs.filename}`,
    rows: [
      ['retrain job id', state.jobId],
      [
        'data uploaded',
        state.jobId ? (state.uploaded ? 'yes: the retrain started' : 'no: this retrain job will not start') : undefined
      ],
      ['file', describeFile(inputs.filename, inputs.size)],
      [
        'checked',
        inputs.validate
          ? state.checked && `${state.checked.warnings.length || 'no'} warning(s)`
          : 'no (validate: false)'
      ],
      ['elapsed', formatDuration(state.deadline.elapsed())]
    ]
  })
}
