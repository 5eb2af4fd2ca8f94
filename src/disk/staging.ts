// Work in progress (a download, an unpack) is renamed into place once complete: a target never holds
// half a result. It is staged in the runner's temp folder (emptied after each job) or, where a rename
// from there cannot reach the target (another filesystem), beside it under a random hidden name that
// the step removes whatever happens, unless killed outright (SIGKILL, a lost runner). Steps never
// remove each other's: no process id or host name tells a dead step's from a running one's (ids are
// reused; containers share host names and volumes).
import { randomBytes } from 'node:crypto'
import { mkdir, rename, stat } from 'node:fs/promises'
import type { Deadline } from '../clock.js'
import { LocalError } from '../errors.js'

/** A fresh name for work in progress: hidden, random, and saying what it is. */
export function tempName(): string {
  return `.prediction-one-${randomBytes(8).toString('hex')}.partial`
}

/** Where to stage work for `target`: `preferred` when a rename from there works (same filesystem), else `target`. */
export async function stagingFor(target: string, preferred: string): Promise<string> {
  try {
    await mkdir(preferred, { recursive: true })
    const [a, b] = await Promise.all([stat(preferred), stat(target)])
    if (a.dev === b.dev) return preferred
  } catch {
    // fall through: stage beside the target
  }
  return target
}

/** Windows says EPERM where Linux says EISDIR: a file cannot take the place of a folder. */
async function explainTaken(from: string, to: string, err: unknown): Promise<unknown> {
  const [source, target] = await Promise.all([stat(from).catch(() => undefined), stat(to).catch(() => undefined)])
  if (source?.isFile() && target?.isDirectory())
    return Object.assign(new Error('a folder is in the way'), { code: 'EISDIR' })
  return err
}

const BUSY_TRIES = 10
const BUSY_PAUSE_MS = 100

/**
 * Moves finished work into place (`what` names it in the error). On Windows a virus scanner may
 * hold a new file for a moment (EPERM, EBUSY): the move is tried again for about a second, on the
 * deadline's clock and never past it. Throws LocalError.
 */
export async function moveIntoPlace(from: string, to: string, what: string, deadline: Deadline): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(from, to)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const busy = process.platform === 'win32' && (code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')
      if (!busy || attempt >= BUSY_TRIES || deadline.left() < BUSY_PAUSE_MS) {
        throw new LocalError(`cannot move ${what} to`, to, await explainTaken(from, to, err))
      }
      await deadline.clock.sleep(BUSY_PAUSE_MS)
    }
  }
}
