// The seam between the core and a front door (the GitHub actions, the command-line tool). The core
// prints lines and announces secrets through the host the front door installs; what a step knows
// so far it reports through its Step (retrain/step.ts). The core never imports a front door's toolkit.

export type Level = 'debug' | 'info' | 'warning'

export interface Host {
  /**
   * One line for the log, already redacted, escaped and bounded (log.ts). The host writes it where
   * its users read logs, and makes sure no text can act as a command of the CI system running it.
   */
  log(level: Level, line: string): void
  /** A secret the core just learnt (a signed URL): the host hides it its own way too (GitHub's mask). */
  secret(value: string): void
}

/** Until a front door installs its own: nothing is printed (unit tests of the core). */
const QUIET: Host = { log: () => undefined, secret: () => undefined }
let current: Host = QUIET

/** Installs the front door's host; called once, before the step runs. */
export function useHost(host: Host): void {
  current = host
}

export function host(): Host {
  return current
}
