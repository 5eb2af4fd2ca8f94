// The error types: each class tells the runner and the retry policy what kind of failure it is.
import { formatDuration } from './text.js'

export class ActionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

export class InputError extends ActionError {
  constructor(
    readonly input: string,
    /** What is wrong, without the input's name: a front door names the input its own way (a flag). */
    readonly detail: string
  ) {
    super(`input "${input}": ${detail}`)
  }
}

/** A fault worth another try: network errors, time-outs, 408, 429, 5xx, a body that is not the API's. */
export class TransientError extends ActionError {
  constructor(
    message: string,
    readonly retryAfterMs?: number
  ) {
    super(message)
  }
}

/** An HTTP answer that another try will not change (a 4xx other than 408 and 429). */
export class HttpError extends ActionError {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** One of the errors the manual documents; never retried. */
export class ApiError extends ActionError {
  constructor(
    readonly code: string | undefined,
    readonly apiMessage: string,
    readonly hint: string
  ) {
    super(`Prediction One answered${code ? ` ${code}` : ''} "${apiMessage}": ${hint}`)
  }
}

/** A fault of the local disk (a name taken by a folder, a full disk, no permission): never retried. */
export class LocalError extends ActionError {
  constructor(what: string, path: string, err: unknown) {
    const code = (err as NodeJS.ErrnoException)?.code
    super(
      `${what} ${path}: ${LOCAL_CAUSES[code ?? ''] ?? (err instanceof Error ? err.message : String(err))}${code ? ` (${code})` : ''}`
    )
  }
}

const LOCAL_CAUSES: Record<string, string> = {
  EISDIR: 'a folder of that name is in the way',
  ENOTDIR: 'a file stands where a folder is needed',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the filesystem is read-only',
  EEXIST: 'something of that name is in the way'
}

export class JobFailedError extends ActionError {}
export class DeadlineError extends ActionError {}

/** The retry stopped before the deadline: another try, after its wait, would not fit in the time left. */
export class GaveUpError extends DeadlineError {
  constructor(
    readonly tries: number,
    spentMs: number,
    readonly leftMs: number,
    /** The last try's error message. */
    readonly last: string
  ) {
    super(
      `gave up after ${tries} tries in ${formatDuration(spentMs)}: another would not fit in the ` +
        `${formatDuration(leftMs)} left before the deadline; the last failed with: ${last}`
    )
  }
}
export class CancelledError extends ActionError {
  constructor() {
    super('cancelled')
  }
}

export function isRetryable(err: unknown): err is TransientError {
  return err instanceof TransientError
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
