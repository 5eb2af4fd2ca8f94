// Text from outside, made fit to show: what "control characters" means everywhere text is checked
// or cleaned (one definition, which each use composes), one log line of it, and how durations and
// sizes are written.
import { redact } from './secrets.js'

/** C0 controls, DEL and C1 controls: CR, LF, ESC (colour codes) and NEL among them. */
export const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f'
/** The Unicode line and paragraph separators, which some viewers break lines at. */
export const SEPARATORS = '\\u2028\\u2029'
/** Bidirectional embeddings, overrides and isolates: `a\u202Eexe.zip` displays as `apiz.exe`. */
export const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069'

/** A character class of the given ranges, without the characters listed in `except`. */
export function charClass(ranges: string[], flags = '', except = ''): RegExp {
  const excluded = except ? `(?![${except}])` : ''
  return new RegExp(`${excluded}[${ranges.join('')}]`, flags)
}

/** Longest log line or annotation: a 1 MiB message from the API is not pasted into the log. */
const MAX_LINE = 2000

// Controls (a lone CR starts a new line in a CI log; ESC starts colour codes), the Unicode line
// separators and the bidirectional controls, shown as escapes. Tab stays.
const UNPRINTABLE = charClass([CONTROLS, SEPARATORS, BIDI_CONTROLS], 'g', '\t')

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

/** 95000 -> "1m35s": how durations appear in logs, errors and the summary. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const total = Math.round(ms / 1000)
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60]
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const unit = Math.min(Math.floor(Math.log2(bytes) / 10), 4)
  return `${(bytes / 1024 ** unit).toFixed(1)} ${['', 'KiB', 'MiB', 'GiB', 'TiB'][unit]}`
}
