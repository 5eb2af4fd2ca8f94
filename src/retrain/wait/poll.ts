// The wait: check the status until the job finishes, fails, or the deadline passes.
import { isFailureStatus, type ApiClient, type JobStatus } from '../api.js'
import type { Deadline } from '../../clock.js'
import { DeadlineError, errorMessage, GaveUpError, JobFailedError } from '../../errors.js'
import { formatDuration } from '../../text.js'

// Only job_finished is documented.
const FINISHED_STATUS = 'job_finished'

export interface PollOptions {
  client: Pick<ApiClient, 'getStatus'>
  jobId: string
  /** The last check is made right at it. */
  deadline: Deadline
  intervalMs: number
  /** false: one check, reported whatever it says. */
  wait: boolean
  signal?: AbortSignal
  onStatusChange?: (job: JobStatus, elapsedMs: number) => void
  /** Called on every check, before onStatusChange; `changed` tells whether the status is new. */
  onCheck?: (job: JobStatus, check: number, elapsedMs: number, changed: boolean) => void
}

/** What is known so far; the caller keeps it so that a failed or cancelled wait still reports it. */
export interface PollState {
  checks: number
  last?: JobStatus
  /** Each status seen, in order: when it was first and last seen (ms since the start). */
  timeline?: TimelineEntry[]
}

export interface TimelineEntry {
  status: string
  firstSeenMs: number
  lastSeenMs: number
}

/** Where the retrain's time went: each status, when it began and how long it lasted. */
export function timelineRows(state: PollState): [status: string, began: string, lasted: string][] {
  const entries = state.timeline ?? []
  return entries.map((entry, i) => {
    const end = entries[i + 1]?.firstSeenMs ?? entry.lastSeenMs
    const ongoing = i === entries.length - 1
    return [
      entry.status,
      `+${formatDuration(entry.firstSeenMs)}`,
      `${ongoing ? 'at least ' : ''}${formatDuration(end - entry.firstSeenMs)}`
    ]
  })
}

export type PollOutcome = 'finished' | 'pending'

// A gateway or a later API version may spell it ` JOB_FINISHED `; outputs keep the text as sent.
function isFinished(status: string): boolean {
  return status.trim().toLowerCase() === FINISHED_STATUS
}

export async function waitForJob(options: PollOptions, state: PollState): Promise<PollOutcome> {
  const { client, jobId, deadline, signal } = options
  const clock = deadline.clock
  // Checks run on a fixed-rate schedule from the first one (the n-th at anchor + n × interval), so
  // the round trip of each answer does not push the next check later and later.
  const anchor = clock.now()
  for (;;) {
    let job: JobStatus
    try {
      job = await client.getStatus(jobId, deadline)
    } catch (err) {
      if (err instanceof DeadlineError) throw new DeadlineError(timeoutMessage(options, state, err))
      throw err
    }
    state.checks++
    const elapsed = deadline.elapsed()
    const changed = state.last?.status !== job.status
    state.last = job
    state.timeline ??= []
    if (changed) state.timeline.push({ status: job.status, firstSeenMs: elapsed, lastSeenMs: elapsed })
    else state.timeline[state.timeline.length - 1].lastSeenMs = elapsed
    options.onCheck?.(job, state.checks, elapsed, changed)
    if (changed) options.onStatusChange?.(job, elapsed)

    if (isFinished(job.status)) return 'finished'
    if (isFailureStatus(job.status)) {
      throw new JobFailedError(
        `retrain job ${jobId} ended with status "${job.status}"` +
          (job.message ? `: ${job.message}` : ' (the API gave no message)')
      )
    }
    if (!options.wait) return 'pending'
    const now = clock.now()
    if (deadline.left() <= 0) throw new DeadlineError(timeoutMessage(options, state))
    // The next slot of the schedule still ahead (a check slowed by retries skips the slots it missed),
    // cut to the deadline, so that one last check is made right at it.
    const next = anchor + (Math.floor((now - anchor) / options.intervalMs) + 1) * options.intervalMs
    await clock.sleep(Math.min(next - now, deadline.left()), signal)
  }
}

/** What happened, as measured on the clock: the time spent, why the wait stopped, each count once. */
function timeoutMessage(options: PollOptions, state: PollState, cause?: unknown): string {
  const spent = formatDuration(options.deadline.elapsed())
  const seen = state.last
    ? `the last status seen was "${state.last.status}" after ${state.checks} check${state.checks === 1 ? '' : 's'}`
    : 'no status was read'
  if (cause instanceof GaveUpError) {
    return (
      `gave up waiting for retrain job ${options.jobId} after ${spent} of the ${formatDuration(options.deadline.timeoutMs)} timeout: ` +
      `${seen}; the status check was tried ${cause.tries} times and another try would not fit in the ` +
      `${formatDuration(cause.leftMs)} left; the last failed with: ${cause.last}`
    )
  }
  const why = cause ? `; the last check failed: ${errorMessage(cause)}` : ''
  return `timed out after ${spent} (timeout) waiting for retrain job ${options.jobId}: ${seen}${why}`
}
