import { test } from '@jest/globals'
import { skipIf } from './skip.js'
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

/**
 * For tests that send SIGINT or SIGTERM to a bundle. Windows cannot deliver them to a child
 * (`kill()` ends it outright, and Ctrl+C needs a console), so there they are skipped: the Windows
 * signals (SIGINT, SIGBREAK) are tested at unit level in runner.test.ts.
 */
export const signalTest = skipIf(
  process.platform === 'win32',
  'Windows cannot send SIGINT or SIGTERM to a child',
  test.concurrent
)
