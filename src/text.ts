// What "control characters" means everywhere text from outside is checked or cleaned: one
// definition, which each use composes (a log line keeps tabs, a summary cell keeps line breaks).

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
