// What a step tells later steps (outputs) and people (log lines, the job summary).
import * as core from '@actions/core'
import type { JobStatus } from './api.js'
import type { TransientError } from './errors.js'
import { formatBytes, formatDuration } from './format.js'

export type Outcome = 'succeeded' | 'failed' | 'cancelled'

/** Every output that is known is written, also when the step fails. */
export function writeOutputs(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) core.setOutput(name, value)
  }
}

/** A signed URL is a credential: masked whole, and its query (the signature) on its own. */
export function maskUrl(raw: string | undefined): void {
  if (!raw) return
  core.setSecret(raw)
  try {
    const { search } = new URL(raw)
    if (search.length >= 8) core.setSecret(search.slice(1))
  } catch {
    // not a URL: masked whole above
  }
}

/** Warns once per distinct fault; repeats go to the debug log, so a long outage cannot flood the page. */
export function retryReporter(): (err: TransientError, attempt: number, delayMs: number) => void {
  const seen = new Set<string>()
  return (err, attempt, delayMs) => {
    const line = `${err.message}; trying again in ${formatDuration(delayMs)} (try ${attempt + 1})`
    if (seen.has(err.message)) return core.debug(line)
    seen.add(err.message)
    core.warning(line)
  }
}

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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"'|\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)
}

export interface SummaryRows {
  title: string
  outcome: Outcome
  reason?: string
  rows: [string, string | undefined][]
}

/** The job summary; a runner without a summary file (a local run) is not an error. */
export async function writeSummary({ title, outcome, reason, rows }: SummaryRows): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const icon = outcome === 'succeeded' ? '✅' : outcome === 'cancelled' ? '⏹️' : '❌'
  const table = rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(([name, value]) => [{ data: escapeHtml(name) }, { data: escapeHtml(value) }])
  try {
    core.summary.addHeading(`${icon} ${escapeHtml(title)}: ${outcome}`, 3)
    if (reason) core.summary.addRaw(`<p>${escapeHtml(reason)}</p>`, true)
    await core.summary.addTable([[{ data: 'item', header: true }, { data: 'value', header: true }], ...table]).write()
  } catch (err) {
    core.debug(`job summary not written: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function describeFile(name: string, bytes: number): string {
  return `${name} (${formatBytes(bytes)})`
}

export { formatDuration }
