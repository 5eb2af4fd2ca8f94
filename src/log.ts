// The one way text reaches the runner's log. Lines may hold what the API or a storage host sent,
// so each is redacted, kept to one line, bounded, and never able to act as a workflow command.
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'
import * as core from '@actions/core'
import { redact } from './secrets.js'
import { BIDI_CONTROLS, charClass, CONTROLS, SEPARATORS } from './text.js'

/** Longest log line or annotation: a 1 MiB message from the API is not pasted into the log. */
const MAX_LINE = 2000

// Controls (a lone CR starts a new line for the runner; ESC starts colour codes), the Unicode line
// separators and the bidirectional controls, shown as escapes. Tab stays.
const UNPRINTABLE = charClass([CONTROLS, SEPARATORS, BIDI_CONTROLS], 'g', '\t')
// `::name::` at the start of a line (after spaces) or `##[name]` anywhere are runner commands.
const COMMAND_LIKE = /::|##\[/

function escapeChar(c: string): string {
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** Cut to `max` characters, never inside a surrogate pair, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return `${text.slice(0, end)}… (${text.length - end} more characters)`
}

/**
 * Untrusted text made fit for one log line: secrets redacted first (so a cut cannot leave part of
 * one), unprintable characters shown as escapes, then cut to `max`.
 */
export function oneLine(text: string, max = MAX_LINE): string {
  return clip(redact(text).replace(UNPRINTABLE, escapeChar), max)
}

/**
 * A line that could be read as a command is printed between `::stop-commands::` and its resume
 * token, the runner's own way to print untrusted text; the token is random per line.
 */
export function info(text: string): void {
  const line = oneLine(text)
  if (!COMMAND_LIKE.test(line)) return core.info(line)
  const token = randomUUID()
  process.stdout.write(`::stop-commands::${token}${EOL}${line}${EOL}::${token}::${EOL}`)
}

// Annotations and debug lines: @actions/core escapes their data (%, CR, LF), so they cannot end the
// command early; oneLine still redacts and bounds them.
export function warning(text: string): void {
  core.warning(oneLine(text))
}

export function debug(text: string): void {
  core.debug(oneLine(text))
}

export function fail(text: string): void {
  core.setFailed(oneLine(text))
}
