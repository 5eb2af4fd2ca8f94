// Unpacking the result zip: with the system's tool through @actions/tool-cache (unzip; PowerShell on
// Windows), in a child process of our own so that a cancel or the deadline can kill it, into a
// fresh folder that replaces the old one only once the unpack succeeded.
import { spawn, spawnSync } from 'node:child_process'
import { lstat, mkdir, open, readdir, rm, unlink } from 'node:fs/promises'
import { dirname, join, parse, relative } from 'node:path'
import { ActionError, CancelledError, DeadlineError, LocalError } from '../errors.js'
import { oneLine } from '../log.js'
import { moveIntoPlace, stagingFor, tempName } from './staging.js'

/** The argument that makes the wait bundle run as the unpacking child process. */
export const EXTRACT_HELPER = '--prediction-one-extract'

const ZIP_MAGIC = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')]
// What the child printed is kept for the error message only, and bounded.
const MAX_CHILD_OUTPUT = 64 * 1024

export async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    return bytesRead === 4 && ZIP_MAGIC.some((magic) => magic.equals(head))
  } finally {
    await handle.close()
  }
}

export interface Extracted {
  dir: string
  /** Entries removed because they were links or special files, relative to `dir`. */
  dropped: string[]
}

export interface ExtractOptions {
  /** Where the new folder is unpacked when a rename from there works (off the result's folder). */
  stagingDir: string
  signal?: AbortSignal
  /** Epoch ms: the unpack is killed when it runs past it. */
  deadline: number
}

/** Unpacks a zip beside itself: `result.zip` into `result/`; a file without an extension into `<name>-extracted/`. */
export async function extractBeside(file: string, options: ExtractOptions): Promise<Extracted> {
  const { name, ext } = parse(file)
  const parent = dirname(file)
  const dir = join(parent, ext ? name : `${name}-extracted`)
  // What a killed unpack left beside the file, the download that came first has already removed.
  const staging = join(await stagingFor(parent, options.stagingDir), tempName())
  await mkdir(staging).catch((err) => {
    throw new LocalError('cannot create a folder to unpack into:', staging, err)
  })
  try {
    await unpackInChild(file, staging, options)
    const dropped = await dropLinks(staging)
    await rm(dir, { recursive: true, force: true }).catch((err) => {
      throw new LocalError('cannot remove the previous result folder', dir, err)
    })
    await moveIntoPlace(staging, dir, 'the unpacked result')
    return { dir, dropped }
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

/** In the child process: the unpack itself. Its output goes to the parent, never to the runner. */
export async function extractHelper(file: string, dest: string): Promise<void> {
  try {
    const { extractZip } = await import('@actions/tool-cache')
    await extractZip(file, dest)
  } catch (err) {
    process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
}

function killTree(pid: number): void {
  try {
    if (process.platform === 'win32') spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' })
    else process.kill(-pid, 'SIGKILL') // the child leads its own process group: unzip goes with it
  } catch {
    // already gone
  }
}

function unpackInChild(file: string, dest: string, { signal, deadline }: ExtractOptions): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError())
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], EXTRACT_HELPER, file, dest], {
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true
    })
    let output = ''
    const keep = (chunk: Buffer): void => {
      if (output.length < MAX_CHILD_OUTPUT) output += chunk.toString()
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    let stopped: Error | undefined
    const stop = (why: Error): void => {
      stopped ??= why
      if (child.pid !== undefined) killTree(child.pid)
    }
    const onAbort = (): void => stop(new CancelledError())
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(
      () => stop(new DeadlineError('timed out while unpacking the result file (timeout)')),
      Math.max(0, deadline - Date.now())
    )
    child.on('error', (err) => stop(new ActionError(`extract: cannot start the unpacking process: ${err.message}`)))
    // 'close' comes once the child and everything holding its output (unzip) are gone.
    child.on('close', (code) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (stopped) return reject(stopped)
      if (code === 0) return resolve()
      reject(new ActionError(`extract: ${explainFailure(output)}`))
    })
  })
}

function explainFailure(output: string): string {
  if (/Unable to locate executable file: unzip/i.test(output)) {
    return 'extract needs unzip on this runner, and it is not installed: install it (on Debian or Ubuntu: sudo apt-get install -y unzip), or set extract: false'
  }
  // unzip strips absolute and ../ paths but ends with a warning status; .NET (Windows) throws: the
  // zip is refused either way.
  if (/stripped absolute path|"\.\.\/" path component|outside the specified destination directory/.test(output)) {
    return 'the zip holds entries whose names lead out of the result folder (absolute or ../ paths): it is refused'
  }
  const last = output.trim().split(/\r?\n/).pop() ?? ''
  return `the result file could not be unpacked; is it a damaged zip? (${oneLine(last, 300) || 'no message'})`
}

/**
 * Links could point out of the result folder (to /etc/passwd, to ../../..), and special files have
 * no business in it: both are removed, and named to the caller.
 */
async function dropLinks(root: string, dir = root): Promise<string[]> {
  const dropped: string[] = []
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry)
    const info = await lstat(path)
    if (info.isDirectory()) dropped.push(...(await dropLinks(root, path)))
    else if (!info.isFile()) {
      await unlink(path)
      dropped.push(relative(root, path))
    }
  }
  return dropped
}
