// Work in progress (a download, an unpack) lives under a temporary name until it is complete, then
// is renamed into place. Names carry this machine and process, so that steps sharing a folder never
// touch each other's work, and what a killed step left can be told from a running step's.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LocalError } from '../errors.js'

const PREFIX = '.prediction-one-'
const SUFFIX = '.partial'
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8)
const NAME = /^\.prediction-one-([0-9a-f]{8})-(\d+)-[0-9a-f]+\.partial$/

export function tempName(): string {
  return `${PREFIX}${HOST}-${process.pid}-${randomBytes(6).toString('hex')}${SUFFIX}`
}

/**
 * Where to stage work for `target`: `preferred` (the runner's temp folder, emptied after each job)
 * when a rename from there into `target` works (same filesystem), else `target` itself.
 */
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes from `dir` what a killed step of this machine left: only names whose process is gone. */
export async function removeOrphans(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [])) {
    const match = NAME.exec(entry)
    if (!match || match[1] !== HOST || isAlive(Number(match[2]))) continue
    await rm(join(dir, entry), { recursive: true, force: true }).catch(() => undefined)
  }
}

/**
 * Moves finished work into place. On Windows a virus scanner may hold a new file for a moment
 * (EPERM, EBUSY): the move is tried again for about a second before it gives up.
 */
/** Windows says EPERM where Linux says EISDIR: a file cannot take the place of a folder. */
async function explainTaken(from: string, to: string, err: unknown): Promise<unknown> {
  const [source, target] = await Promise.all([stat(from).catch(() => undefined), stat(to).catch(() => undefined)])
  if (source?.isFile() && target?.isDirectory())
    return Object.assign(new Error('a folder is in the way'), { code: 'EISDIR' })
  return err
}

export async function moveIntoPlace(from: string, to: string, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(from, to)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const busy = process.platform === 'win32' && (code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')
      if (!busy || attempt >= 10) throw new LocalError(`cannot move ${what} to`, to, await explainTaken(from, to, err))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
