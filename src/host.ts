// The seam between the core and a front door (the GitHub actions, the command-line tool): the core
// prints lines and announces secrets through the host the front door installs, and never imports a
// front door's toolkit. What a step knows so far it reports through its Step (retrain/step.ts).

export type Level = 'debug' | 'info' | 'warning'

export interface Host {
  /** A line already redacted, escaped and bounded (log.ts): the host keeps it from acting as a command. */
  log(level: Level, line: string): void
  /** A secret the core just learnt (a signed URL), for the host to hide its own way too. */
  secret(value: string): void
}

// Until a front door installs its own, nothing is printed (unit tests of the core).
let current: Host = { log: () => undefined, secret: () => undefined }

export function useHost(host: Host): void {
  current = host
}

export function host(): Host {
  return current
}
