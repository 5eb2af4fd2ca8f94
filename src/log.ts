// The one way the core prints. Lines may hold what the API or a storage host sent, so each is
// redacted, kept to one line and bounded here; the host (host.ts) keeps it from acting as a command.
import { host } from './host.js'
import { oneLine } from './text.js'

export function info(text: string): void {
  host().log('info', oneLine(text))
}

export function warning(text: string): void {
  host().log('warning', oneLine(text))
}

export function debug(text: string): void {
  host().log('debug', oneLine(text))
}
