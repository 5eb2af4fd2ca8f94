import { join } from 'node:path'
import { ApiClient } from '../api/client.js'
import { systemClock } from '../clock.js'
import { Outputs } from '../constants.js'
import { runnerTemp } from '../inputs.js'
import { debug, info, warning } from '../log.js'
import { formatBytes, formatDuration } from '../format.js'
import { describeFile, retryReporter } from '../report.js'
import { run as runSpec, type ActionSpec } from '../runner.js'
import { describeOrigin } from '../url.js'
import { downloadResult, type DownloadedFile, type DownloadOptions } from './download.js'
import { extractBeside, isZip } from './extract.js'
import { readWaitInputs, type WaitInputs } from './inputs.js'
import { reminder, statusLine } from './progress.js'
import { timelineRows, waitForJob, type PollOptions, type PollState } from './poll.js'

// A long wait with no change of status gets a reminder line this often, so it does not look hung.
const REMINDER_INTERVAL_MS = 5 * 60_000

interface Known {
  state: PollState
  file?: DownloadedFile
  resultDir?: string
}

export const waitAction: ActionSpec<WaitInputs, Known> = {
  name: 'prediction-one wait',
  readInputs: (get) => readWaitInputs(get),
  start: () => ({ state: { startedAt: systemClock.now(), checks: 0 } }),
  work,
  outputs: (inputs, { state, file, resultDir }) => ({
    [Outputs.RetrainJobId]: inputs.jobId,
    [Outputs.Status]: state.last?.status,
    [Outputs.ModelId]: state.last?.modelId,
    [Outputs.Message]: state.last?.message,
    [Outputs.ResultFile]: file?.path,
    [Outputs.ResultSha256]: file?.sha256,
    [Outputs.ResultDir]: resultDir
  }),
  summary: (inputs, { state, file, resultDir }) => ({
    title: `Prediction One retrain job ${inputs.jobId}`,
    rows: [
      ['retrain job id', inputs.jobId],
      ['status', state.last?.status],
      ['model id', state.last?.modelId],
      ['message', state.last?.message],
      ['elapsed', formatDuration(systemClock.now() - state.startedAt)],
      ['status checks', String(state.checks)],
      ['result file', file ? describeFile(file.name, file.bytes) : undefined],
      ['result sha256', file?.sha256],
      ['result folder', resultDir ? 'extracted' : undefined]
    ],
    tables: [
      { heading: 'Timeline of the retrain job', header: ['status', 'began', 'lasted'], rows: timelineRows(state) }
    ]
  })
}

export const run = (): Promise<void> => runSpec(waitAction)

async function work(inputs: WaitInputs, known: Known, signal: AbortSignal): Promise<void> {
  const onRetry = retryReporter()
  const client = new ApiClient({ ...inputs, clock: systemClock, signal, onRetry })
  info(`Waiting for retrain job ${inputs.jobId} on ${inputs.apiUrl.host} (timeout ${formatDuration(inputs.timeoutMs)})`)
  const outcome = await waitForJob(pollOptions(inputs, client, signal), known.state)
  if (outcome === 'pending') {
    info(`wait is false: retrain job ${inputs.jobId} is not finished yet, not waiting`)
    return
  }
  if (!inputs.download) return
  const url = known.state.last?.downloadUrl
  if (!url) {
    warning(`retrain job ${inputs.jobId} finished, but the API gave no download_url: no result file`)
    return
  }
  // Download and unpack have a budget of their own: a job finishing at the deadline still gets its file.
  const deadline = systemClock.now() + inputs.timeoutMs
  known.file = await fetchResult(inputs, known, client, url, { signal, onRetry, deadline })
  if (inputs.extract) known.resultDir = await extract(known.file, { signal, deadline })
}

// Temporary files go under the runner's temp folder, emptied after each job, when a rename works from there.
const stagingDir = (): string => join(runnerTemp(), '.prediction-one-partial')

function pollOptions(inputs: WaitInputs, client: ApiClient, signal: AbortSignal): PollOptions {
  const quiet = reminder(REMINDER_INTERVAL_MS)
  return {
    client,
    jobId: inputs.jobId,
    timeoutMs: inputs.timeoutMs,
    intervalMs: inputs.pollIntervalMs,
    wait: inputs.wait,
    clock: systemClock,
    signal,
    onCheck: (job, check, elapsed, changed) => {
      debug(`check ${check} after ${formatDuration(elapsed)}: "${job.status}"`)
      if (!changed && quiet.due(elapsed)) {
        info(`[${formatDuration(elapsed)}] retrain job ${inputs.jobId} is still "${job.status}" (${check} checks)`)
        quiet.printed(elapsed)
      }
    },
    onStatusChange: (job, elapsed) => {
      info(statusLine(inputs.jobId, job, elapsed))
      quiet.printed(elapsed)
    }
  }
}

async function fetchResult(
  inputs: WaitInputs,
  known: Known,
  client: ApiClient,
  url: string,
  { signal, onRetry, deadline }: Pick<DownloadOptions, 'signal' | 'onRetry' | 'deadline'>
): Promise<DownloadedFile> {
  const file = await downloadResult({
    url,
    dir: inputs.downloadDir,
    requestTimeoutMs: inputs.requestTimeoutMs,
    clock: systemClock,
    deadline,
    signal,
    stagingDir: stagingDir(),
    refreshUrl: async () => {
      const fresh = await client.getStatus(inputs.jobId, deadline)
      known.state.last = fresh
      return fresh.downloadUrl
    },
    onRetry
  })
  info(`Downloaded ${describeFile(file.name, file.bytes)} from ${describeOrigin(url)}: ${file.path}`)
  info(`sha256 ${file.sha256}`)
  return file
}

async function extract(
  file: DownloadedFile,
  { signal, deadline }: { signal: AbortSignal; /** Epoch ms (systemClock). */ deadline: number }
): Promise<string | undefined> {
  if (!(await isZip(file.path))) {
    warning(`extract: ${file.name} is not a zip file; it is left as it is`)
    return undefined
  }
  const { dir, files, bytes, dropped } = await extractBeside(file.path, { stagingDir: stagingDir(), signal, deadline })
  if (dropped.length > 0) {
    warning(
      `extract: ${dropped.length} entr${dropped.length === 1 ? 'y was a link or a special file' : 'ies were links or special files'}, ` +
        `which could point out of the result folder, and ${dropped.length === 1 ? 'was' : 'were'} dropped: ${dropped.join(', ')}`
    )
  }
  info(`Extracted ${files} file${files === 1 ? '' : 's'} (${formatBytes(bytes)}) into ${dir}`)
  return dir
}
