// The GitHub runner as the core's host: lines go to the step's log, where no text the API sent can
// act as a workflow command, and secrets are masked by the runner too.
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'
import * as core from '@actions/core'
import type { Host } from '../host.js'
import { oneLine } from '../text.js'

// `::name::` at the start of a line (after spaces) or `##[name]` anywhere are runner commands.
const COMMAND_LIKE = /::|##\[/

/**
 * A line that could be read as a command is printed between `::stop-commands::` and its resume
 * token, the runner's own way to print untrusted text; the token is random per line. Annotations
 * and debug lines: @actions/core escapes their data (%, CR, LF), so they cannot end the command early.
 */
export const workflowHost: Host = {
  log(level, line) {
    if (level === 'warning') return core.warning(line)
    if (level === 'debug') return core.debug(line)
    if (!COMMAND_LIKE.test(line)) return core.info(line)
    const token = randomUUID()
    process.stdout.write(`::stop-commands::${token}${EOL}${line}${EOL}::${token}::${EOL}`)
  },
  secret: (value) => core.setSecret(value)
}

/** The step's failure, shown as its error annotation. */
export function fail(text: string): void {
  core.setFailed(oneLine(text))
}
