import type { ChildProcess } from 'node:child_process'

/** Sends `signal` to the action `delayMs` after its stdout first shows `text`; `sentAt()` says when. */
export function signalAfterOutput(text: string, signal: NodeJS.Signals, delayMs: number) {
  let sentAt = 0
  return {
    onStdout: (stdout: string, child: ChildProcess): void => {
      if (sentAt !== 0 || !stdout.includes(text)) return
      sentAt = Date.now() + delayMs
      setTimeout(() => child.kill(signal), delayMs)
    },
    sentAt: () => sentAt
  }
}
