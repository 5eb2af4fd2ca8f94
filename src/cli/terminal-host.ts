// The tool's host: log lines on stderr as plain text (stdout is for --json and Azure variables),
// where no text the API sent can act as a command of the CI system that runs the tool.
import type { Host } from '../host.js'

const ZERO_WIDTH_SPACE = '\u200b'

// GitHub's `::name::` and `##[name]`, Azure Pipelines' `##vso[area.action]` and `##[section]`. The
// runners match these anywhere in a line (Azure) or at its start (GitHub `::`): every one is broken.
const COMMAND_LIKE = /::|##(?=\[|vso\[)/gi

/**
 * Text that reads the same to a person but to no CI system as a command: a zero-width space
 * between the two characters of `::` and `##`. Lines come from log.ts: redacted, on one line.
 */
export function neutralise(line: string): string {
  return line.replace(COMMAND_LIKE, (pair) => `${pair[0]}${ZERO_WIDTH_SPACE}${pair[1]}`)
}

export function terminalHost(write: (text: string) => void = (text) => process.stderr.write(text)): Host {
  return {
    log(level, line) {
      // The actions' debug lines show only in a debug run; the tool has none.
      if (level === 'debug') return
      write(`${level === 'warning' ? 'warning: ' : ''}${neutralise(line)}\n`)
    },
    // The core redacts every secret it learns from every line; no CI system's mask is to be told.
    secret: () => undefined
  }
}
