// The step's job summary: what the step knows, as HTML the runner shows on the run's page.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { debug } from '../log.js'
import type { Outcome, Summary } from '../retrain/step.js'
import { redact } from '../secrets.js'
import { BIDI_CONTROLS, charClass, clip, CONTROLS } from '../text.js'

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

const headerRow = (names: string[]): { data: string; header: true }[] =>
  names.map((name) => ({ data: cell(name), header: true }))

/** The job summary; a runner without a summary file (a local run) is not an error. */
export async function writeSummary(
  { title, rows, tables = [] }: Summary,
  outcome: Outcome,
  reason: string | undefined
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const icon = outcome === 'succeeded' ? '✅' : outcome === 'cancelled' ? '⏹️' : '❌'
  const table = rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(([name, value]) => [{ data: cell(name) }, { data: cell(value) }])
  try {
    core.summary.addHeading(`${icon} ${cell(title)}: ${outcome}`, 3)
    if (reason) core.summary.addRaw(`<p>${cell(reason, MAX_REASON)}</p>`, true)
    core.summary.addTable([headerRow(['item', 'value']), ...table])
    for (const extra of tables.filter((t) => t.rows.length > 0)) {
      core.summary.addHeading(cell(extra.heading), 4)
      core.summary.addTable([
        headerRow(extra.header),
        // A job that flips between statuses for days must not make the summary too large for GitHub.
        ...extra.rows.slice(0, MAX_TABLE_ROWS).map((row) => row.map((value) => ({ data: cell(value) })))
      ])
      if (extra.rows.length > MAX_TABLE_ROWS)
        core.summary.addRaw(`<p>… and ${extra.rows.length - MAX_TABLE_ROWS} more</p>`)
    }
    await core.summary.write()
  } catch (err) {
    debug(`job summary not written: ${errorMessage(err)}`)
  }
}
