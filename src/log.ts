// The one way the core prints. Lines may hold what the API or a storage host sent, so each is
// redacted, kept to one line and bounded here; the host (host.ts) keeps it from acting as a command.
import { host } from './host.js'
import { oneLine } from './text.js'

export const info = (text: string): void => host().log('info', oneLine(text))
export const warning = (text: string): void => host().log('warning', oneLine(text))
export const debug = (text: string): void => host().log('debug', oneLine(text))
