// The wait action's own log lines: a status change, and a reminder that a long wait is not hung.
import type { JobStatus } from '../api.js'
import { formatDuration } from '../../text.js'

/**
 * A long wait with no change of status would leave the log silent for an hour: one reminder line
 * at most every `everyMs`, counted from the last line printed.
 */
export function reminder(everyMs: number): { due(elapsedMs: number): boolean; printed(elapsedMs: number): void } {
  let last = 0
  return {
    due: (elapsedMs) => elapsedMs - last >= everyMs,
    printed: (elapsedMs) => {
      last = elapsedMs
    }
  }
}

export function statusLine(jobId: string, job: JobStatus, elapsedMs: number): string {
  const model = job.modelId ? `, model ${job.modelId}` : ''
  const message = job.message ? `: ${job.message}` : ''
  return `[${formatDuration(elapsedMs)}] retrain job ${jobId} is "${job.status}"${model}${message}`
}
