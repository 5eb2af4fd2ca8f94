// The one place where how a run ended becomes the tool's exit code (README: "Exit codes").
import { CancelledError, DeadlineError, InputError } from '../errors.js'
import { UsageError } from './flags.js'

export const ExitCode = {
  /** Done: finished, uploaded, switched; with --no-wait, an unfinished job too. */
  Done: 0,
  /** The job failed, or the API or the storage host refused (or any other failure). */
  Failed: 1,
  /** Bad usage or input: no request was made. */
  Usage: 2,
  /** The timeout passed. */
  Timeout: 3,
  /** Stopped by SIGINT (Ctrl+C). */
  Interrupted: 130,
  /** Stopped by SIGTERM (on Windows, Ctrl+Break: SIGBREAK, the second, firmer stop a runner sends). */
  Terminated: 143
} as const

export function exitCodeOf(failure: unknown, cancelledBy: string | undefined): number {
  if (cancelledBy !== undefined) return cancelledBy === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated
  if (failure === undefined) return ExitCode.Done
  if (failure instanceof UsageError || failure instanceof InputError) return ExitCode.Usage
  if (failure instanceof DeadlineError) return ExitCode.Timeout
  if (failure instanceof CancelledError) return ExitCode.Interrupted
  return ExitCode.Failed
}
