import { isFailureStatus, type ApiClient, type JobStatus } from '../api.js'
import type { Deadline } from '../../clock.js'
import { DeadlineError, errorMessage, GaveUpError, JobFailedError } from '../../errors.js'
import { formatDuration } from '../../text.js'

export interface PollOptions {
  client: Pick<ApiClient, 'getStatus'>
  jobId: string
  deadline: Deadline
  intervalMs: number
  /** false: one check, reported whatever it says. */
  wait: boolean
  signal?: AbortSignal
  onCheck?: (job: JobStatus, check: number, elapsedMs: number, changed: boolean) => void
}

/** What is known so far; the caller keeps it so that a failed or cancelled wait still reports it. */
export interface PollState {
  checks: number
  last?: JobStatus
  /** Each status seen, in order: when it was first and last seen (ms since the start). */
  timeline: { status: string; firstSeenMs: number; lastSeenMs: number }[]
}

/** Where the retrain's time went: each status, when it began and how long it lasted. */
export function timelineRows({ timeline }: PollState): [status: string, began: string, lasted: string][] {
  return timeline.map((entry, i) => {
    const next = timeline[i + 1]
    const lasted = formatDuration((next?.firstSeenMs ?? entry.lastSeenMs) - entry.firstSeenMs)
    return [entry.status, `+${formatDuration(entry.firstSeenMs)}`, next ? lasted : `at least ${lasted}`]
  })
}

export async function waitForJob(options: PollOptions, state: PollState): Promise<'finished' | 'pending'> {
  const { client, jobId, deadline, intervalMs, signal } = options
  const clock = deadline.clock
  // Checks run on a fixed-rate schedule from the first one (the n-th at anchor + n × interval), so
  // the round trip of each answer does not push the next check later and later.
  const anchor = clock.now()
  for (;;) {
    const job = await client.getStatus(jobId, deadline).catch((err: unknown) => {
      throw err instanceof DeadlineError ? new DeadlineError(timeoutMessage(options, state, err)) : err
    })
    state.checks++
    const elapsed = deadline.elapsed()
    const changed = state.last?.status !== job.status
    state.last = job
    if (changed) state.timeline.push({ status: job.status, firstSeenMs: elapsed, lastSeenMs: elapsed })
    else state.timeline[state.timeline.length - 1].lastSeenMs = elapsed
    options.onCheck?.(job, state.checks, elapsed, changed)

    // Only job_finished is documented; a gateway or a later API version may spell it ` JOB_FINISHED `
    // (outputs keep the text as sent).
    if (job.status.trim().toLowerCase() === 'job_finished') return 'finished'
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
    const next = anchor + (Math.floor((now - anchor) / intervalMs) + 1) * intervalMs
    await clock.sleep(Math.min(next - now, deadline.left()), signal)
  }
}

/** What happened, as measured on the clock: the time spent, why the wait stopped, each count once. */
function timeoutMessage({ deadline, jobId }: PollOptions, { last, checks }: PollState, cause?: unknown): string {
  const spent = formatDuration(deadline.elapsed())
  const seen = last
    ? `the last status seen was "${last.status}" after ${checks} check${checks === 1 ? '' : 's'}`
    : 'no status was read'
  if (cause instanceof GaveUpError) {
    return (
      `gave up waiting for retrain job ${jobId} after ${spent} of the ${formatDuration(deadline.timeoutMs)} timeout: ` +
      `${seen}; the status check was tried ${cause.tries} times and another try would not fit in the ` +
      `${formatDuration(cause.leftMs)} left; the last failed with: ${cause.last}`
    )
  }
  const why = cause ? `; the last check failed: ${errorMessage(cause)}` : ''
  return `timed out after ${spent} (timeout) waiting for retrain job ${jobId}: ${seen}${why}`
}
