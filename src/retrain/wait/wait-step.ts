import { ApiClient } from '../api.js'
import { Deadline } from '../../clock.js'
import { DeadlineError } from '../../errors.js'
import { Outputs } from '../contract.js'
import { debug, info, warning } from '../../log.js'
import { formatBytes, formatDuration } from '../../text.js'
import { describeFile, retryReporter } from '../report.js'
import type { Step } from '../step.js'
import { describeOrigin } from '../../net/url.js'
import { downloadResult, type DownloadedFile } from './download.js'
import { extractBeside, isZip, type ExtractOptions } from '../../unzip/extract.js'
import { readWaitInputs, type WaitInputs } from './wait-inputs.js'
import { timelineRows, waitForJob, type PollOptions, type PollState } from './poll.js'

// A long wait with no change of status would leave the log silent for an hour: a reminder line at
// most this often, counted from the last line printed, so it does not look hung.
const REMINDER_INTERVAL_MS = 5 * 60_000

interface WaitState {
  deadline: Deadline
  poll: PollState
  file?: DownloadedFile
  resultDir?: string
}

export const waitStep: Step<WaitInputs, WaitState> = {
  name: 'prediction-one wait',
  readInputs: readWaitInputs,
  initialState: (inputs) => ({ deadline: Deadline.after(inputs.timeoutMs), poll: { checks: 0, timeline: [] } }),
  perform,
  outputs: (inputs, { poll, file, resultDir }) => ({
    [Outputs.RetrainJobId]: inputs.jobId,
    [Outputs.Status]: poll.last?.status,
    [Outputs.ModelId]: poll.last?.modelId,
    [Outputs.Message]: poll.last?.message,
    [Outputs.ResultFile]: file?.path,
    [Outputs.ResultSha256]: file?.sha256,
    [Outputs.ResultDir]: resultDir
  }),
  summary: (inputs, { deadline, poll, file, resultDir }) => ({
    title: `Prediction One retrain job ${inputs.jobId}`,
    rows: [
      ['retrain job id', inputs.jobId],
      ['status', poll.last?.status],
      ['model id', poll.last?.modelId],
      ['message', poll.last?.message],
      ['elapsed', formatDuration(deadline.elapsed())],
      ['status checks', String(poll.checks)],
      ['result file', file ? describeFile(file.name, file.bytes) : undefined],
      ['result sha256', file?.sha256],
      ['result folder', resultDir ? 'extracted' : undefined]
    ],
    tables: [
      { heading: 'Timeline of the retrain job', header: ['status', 'began', 'lasted'], rows: timelineRows(poll) }
    ]
  })
}

async function perform(inputs: WaitInputs, state: WaitState, signal: AbortSignal): Promise<void> {
  const { jobId, wait, pollIntervalMs: intervalMs } = inputs
  const { deadline } = state
  const onRetry = retryReporter()
  const client = new ApiClient({ ...inputs, signal, onRetry })
  info(`Waiting for retrain job ${jobId} on ${inputs.apiUrl.host} (timeout ${formatDuration(inputs.timeoutMs)})`)
  const onCheck = progressLog(jobId)
  const outcome = await waitForJob({ client, jobId, wait, deadline, signal, intervalMs, onCheck }, state.poll)
  if (outcome === 'pending') return info(`wait is false: retrain job ${jobId} is not finished yet, not waiting`)
  if (!inputs.download) return
  const url = state.poll.last?.downloadUrl
  if (!url) return warning(`retrain job ${jobId} finished, but the API gave no download_url: no result file`)
  const refreshUrl = async (): Promise<string | undefined> => {
    state.poll.last = await client.getStatus(jobId, deadline)
    return state.poll.last.downloadUrl
  }
  try {
    // Not the inputs spread: the download has no use for the API key.
    const { downloadDir: dir, requestTimeoutMs, stagingDir } = inputs
    const file = await downloadResult({ url, dir, requestTimeoutMs, stagingDir, deadline, signal, refreshUrl, onRetry })
    state.file = file
    info(`Downloaded ${describeFile(file.name, file.bytes)} from ${describeOrigin(url)}: ${file.path}`)
    info(`sha256 ${file.sha256}`)
    if (inputs.extract) state.resultDir = await extract(file, { stagingDir, signal, deadline })
  } catch (err) {
    // The job is done: what ran out is the time for its result, and a wait again fetches it.
    if (!(err instanceof DeadlineError)) throw err
    throw new DeadlineError(
      `retrain job ${jobId} finished, but its result did not fit in the ${formatDuration(inputs.timeoutMs)} ` +
        `timeout (${err.message}); wait again, with a longer timeout if the result is large`
    )
  }
}

/** The wait's log lines: each status change, and a reminder now and then that a long wait is not hung. */
export function progressLog(jobId: string): PollOptions['onCheck'] {
  let lastLineMs = 0
  return (job, check, elapsed, changed) => {
    debug(`check ${check} after ${formatDuration(elapsed)}: "${job.status}"`)
    if (!changed && elapsed - lastLineMs < REMINDER_INTERVAL_MS) return
    lastLineMs = elapsed
    const at = `[${formatDuration(elapsed)}] retrain job ${jobId}`
    if (!changed) return info(`${at} is still "${job.status}" (${check} checks)`)
    const model = job.modelId ? `, model ${job.modelId}` : ''
    const message = job.message ? `: ${job.message}` : ''
    info(`${at} is "${job.status}"${model}${message}`)
  }
}

async function extract(file: DownloadedFile, options: ExtractOptions): Promise<string | undefined> {
  if (!(await isZip(file.path))) {
    warning(`extract: ${file.name} is not a zip file; it is left as it is`)
    return undefined
  }
  const { dir, files, bytes, dropped } = await extractBeside(file.path, options)
  if (dropped.length > 0) {
    warning(
      `extract: ${dropped.length} entr${dropped.length === 1 ? 'y was a symbolic link' : 'ies were symbolic links'}, ` +
        `which could point out of the result folder, and ${dropped.length === 1 ? 'was' : 'were'} dropped: ${dropped.join(', ')}`
    )
  }
  info(`Extracted ${files} file${files === 1 ? '' : 's'} (${formatBytes(bytes)}) into ${dir}`)
  return dir
}
