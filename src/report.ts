// What a step tells later steps (outputs) and people (log lines, the job summary).
import * as core from '@actions/core'
import type { TransientError } from './errors.js'
import { formatBytes, formatDuration } from './format.js'
import { clip, debug, warning } from './log.js'
import { holdsSecret, redact } from './secrets.js'
import { BIDI_CONTROLS, charClass, CONTROLS } from './text.js'

export type Outcome = 'succeeded' | 'failed' | 'cancelled'

// GitHub's limit for an output that a job passes on; a larger value could not reach a later job whole.
const MAX_OUTPUT_BYTES = 1_000_000

/** Why a value cannot be passed on exactly as it is, or undefined when it can. */
function outputProblem(value: string): string | undefined {
  if (holdsSecret(value)) return 'it holds a secret (the API key or a signed URL)'
  if (!value.isWellFormed()) return 'it is not well-formed Unicode text'
  const bytes = Buffer.byteLength(value)
  if (bytes > MAX_OUTPUT_BYTES) return `it is ${formatBytes(bytes)}, more than GitHub passes on`
  return undefined
}

/**
 * Every output that is known is written, also when the step fails, exactly as the API said it
 * (through the runner's output file, where no text can act as a command); a value that cannot be
 * passed on exactly is not written, with a warning that says why.
 */
export function writeOutputs(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue
    const problem = outputProblem(value)
    if (problem) warning(`output ${name} is not written: ${problem}`)
    else core.setOutput(name, value)
  }
}

/** Warns once per distinct fault; repeats go to the debug log, so a long outage cannot flood the page. */
export function retryReporter(): (err: TransientError, attempt: number, delayMs: number) => void {
  const seen = new Set<string>()
  return (err, attempt, delayMs) => {
    const line = `${err.message}; trying again in ${formatDuration(delayMs)} (try ${attempt + 1})`
    if (seen.has(err.message)) return debug(line)
    seen.add(err.message)
    warning(line)
  }
}

// The summary file is refused above 1 MiB: every cell is bounded, whatever the API sent.
const MAX_CELL = 1000
const MAX_REASON = 4000
const MAX_TABLE_ROWS = 100

// Controls and bidirectional controls are dropped; tab, CR and LF stay, line breaks become <br>.
const DROPPED = charClass([CONTROLS, BIDI_CONTROLS], 'g', '\t\r\n')

/** Redacted, bounded, then escaped: line breaks become <br>, other controls are dropped. */
function cell(text: string, max = MAX_CELL): string {
  return clip(redact(text), max)
    .replace(DROPPED, '')
    .replace(/[&<>"'|]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\r?\n|[\r\u2028\u2029]/g, '<br>')
}

export interface SummaryRows {
  title: string
  outcome: Outcome
  reason?: string
  rows: [string, string | undefined][]
  /** More tables after the main one, each under a heading of its own. */
  tables?: { heading: string; header: string[]; rows: string[][] }[]
}

/** The job summary; a runner without a summary file (a local run) is not an error. */
export async function writeSummary({ title, outcome, reason, rows, tables = [] }: SummaryRows): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const icon = outcome === 'succeeded' ? '✅' : outcome === 'cancelled' ? '⏹️' : '❌'
  const table = rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(([name, value]) => [{ data: cell(name) }, { data: cell(value) }])
  try {
    core.summary.addHeading(`${icon} ${cell(title)}: ${outcome}`, 3)
    if (reason) core.summary.addRaw(`<p>${cell(reason, MAX_REASON)}</p>`, true)
    core.summary.addTable([
      [
        { data: 'item', header: true },
        { data: 'value', header: true }
      ],
      ...table
    ])
    for (const extra of tables.filter((t) => t.rows.length > 0)) {
      core.summary.addHeading(cell(extra.heading), 4)
      core.summary.addTable([
        extra.header.map((name) => ({ data: cell(name), header: true })),
        // A job that flips between statuses for days must not make the summary too large for GitHub.
        ...extra.rows.slice(0, MAX_TABLE_ROWS).map((row) => row.map((value) => ({ data: cell(value) })))
      ])
      if (extra.rows.length > MAX_TABLE_ROWS)
        core.summary.addRaw(`<p>… and ${extra.rows.length - MAX_TABLE_ROWS} more</p>`)
    }
    await core.summary.write()
  } catch (err) {
    debug(`job summary not written: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function describeFile(name: string, bytes: number): string {
  return `${name} (${formatBytes(bytes)})`
}
