// Unpacking the result zip, in this process: yauzl reads the format (and writes nothing), this module
// decides every rule, the same on every system, before anything is written; the entries go into a
// fresh folder that replaces the old one only once the unpack succeeded.
import { mkdir, open, rm, statfs, utimes, writeFile } from 'node:fs/promises'
import { dirname, join, parse, sep } from 'node:path'
import { pipeline as pipeStreams, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, inflateRawSync } from 'node:zlib'
import type { Entry, ZipFile } from 'yauzl'
import type { Deadline } from '../clock.js'
import { ActionError, CancelledError, DeadlineError, LocalError } from '../errors.js'
import { formatBytes, oneLine } from '../text.js'
import { DiskFile, moveIntoPlace, stagingFor, tempName } from '../disk/staging.js'
import { checkZip, damaged, decide, type Decided } from './zip-plan.js'
import { openZip } from './zip-reader.js'

const ZIP_MAGIC = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')]

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
  /** Files written. */
  files: number
  /** Bytes written, all files together. */
  bytes: number
  /** Entries not written because they were symbolic links, as paths relative to `dir`. */
  dropped: string[]
}

export interface ExtractOptions {
  /** Where the new folder is unpacked when a rename from there works (off the result's folder). */
  stagingDir: string
  signal?: AbortSignal
  /** The unpack stops when it runs past it; so does the move into place. */
  deadline: Deadline
}

/** Unpacks a zip beside itself: `result.zip` into `result/`; a file without an extension into `<name>-extracted/`. */
export async function extractBeside(file: string, options: ExtractOptions): Promise<Extracted> {
  const { name, ext } = parse(file)
  const parent = dirname(file)
  const dir = join(parent, ext ? name : `${name}-extracted`)
  const staging = join(await stagingFor(parent, options.stagingDir), tempName())
  await mkdir(staging).catch((err) => {
    throw new LocalError('cannot create a folder to unpack into:', staging, err)
  })
  try {
    const written = await unpack(file, staging, dir, options)
    await rm(dir, { recursive: true, force: true }).catch((err) => {
      throw new LocalError('cannot remove the previous result folder', dir, err)
    })
    await moveIntoPlace(staging, dir, 'the unpacked result', options.deadline)
    return { dir, ...written }
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

/** Fails the stream when the bytes do not match the entry's CRC-32, which yauzl does not check. */
function crcCheck(expected: number): Transform {
  let crc = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = crc32(chunk, crc)
      done(null, chunk)
    },
    flush(done: TransformCallback) {
      done(crc === expected >>> 0 ? null : new Error('CRC-32 mismatch: the entry is corrupt'))
    }
  })
}

function inside(root: string, segments: string[]): string {
  const path = join(root, ...segments)
  // The segments are safe by construction; this states the promise where it is kept.
  if (!path.startsWith(root + sep)) throw new ActionError(`extract: ${oneLine(path)} is outside the result folder`)
  return path
}

// Entries up to this size are read and inflated whole, and written in one call, several at a time:
// most of a result zip's entries are small, and for them a stream each, and each trip through
// libuv's thread pool (open, write, close, set the time), costs more than the bytes.
const SMALL_ENTRY_BYTES = 1024 * 1024
const WRITES_IN_FLIGHT = 8

/** A small entry's bytes, inflated at once and checked: size (at most the declared one) and CRC-32. */
async function readSmall(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const raw = Buffer.concat(await (await zip.openReadStreamPromise(entry, { decodeFileData: false })).toArray())
  let data = raw
  if (entry.compressionMethod === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw err
      throw new Error(`the entry inflates to more than the ${entry.uncompressedSize} bytes it declares`, { cause: err })
    }
  }
  if (data.length !== entry.uncompressedSize) {
    throw new Error(`the entry holds ${data.length} bytes, not the ${entry.uncompressedSize} it declares`)
  }
  if (crc32(data) !== entry.crc32 >>> 0) throw new Error('CRC-32 mismatch: the entry is corrupt')
  return data
}

async function openLarge(zip: ZipFile, entry: Entry): Promise<Transform> {
  const source = await zip.openReadStreamPromise(entry)
  // One stream of checked bytes: a fault of the zip or of the check fails the stream returned.
  return pipeStreams(source, crcCheck(entry.crc32), () => undefined)
}

async function setModified(path: string, entry: Entry): Promise<void> {
  const modified = entry.getLastModDate()
  if (!Number.isNaN(modified.getTime())) await utimes(path, modified, modified).catch(() => undefined)
}

/** Writes running at once; the first failure is thrown by the next `within`. */
class Writes {
  private running = new Set<Promise<void>>()
  private failure: { err: unknown } | undefined

  start(write: () => Promise<void>): void {
    const done: Promise<void> = write()
      .catch((err: unknown) => void (this.failure ??= { err }))
      .finally(() => this.running.delete(done))
    this.running.add(done)
  }

  /** Waits until at most `count` writes run; throws the first failure. */
  async within(count: number): Promise<void> {
    while (this.running.size > count) await Promise.race(this.running)
    if (this.failure) throw this.failure.err
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.running)
  }
}

/**
 * Pass two, once `checkZip` passed: the entries again, in the zip's order, each decided again (the
 * same way) and written under `root`. `dir` is the result folder, named in errors.
 */
async function writeEntries(
  zip: ZipFile,
  root: string,
  dir: string,
  signal: AbortSignal,
  current: (entry: Decided) => void
): Promise<{ files: number; bytes: number }> {
  const local = (err: unknown): LocalError => new LocalError('cannot write the unpacked result in', dir, err)
  const made = new Set<string>()
  const folder = async (path: string): Promise<void> => {
    if (made.has(path)) return
    await mkdir(path, { recursive: true }).catch((err: unknown) => {
      throw local(err)
    })
    made.add(path)
  }
  const writes = new Writes()
  let files = 0
  let bytes = 0
  try {
    for await (const entry of zip.eachEntry()) {
      signal.throwIfAborted()
      const decided = decide(entry)
      if (!decided || decided.kind === 'link') continue
      current(decided)
      const path = inside(root, decided.segments)
      if (decided.kind === 'folder') {
        await folder(path)
        continue
      }
      await folder(dirname(path))
      if (entry.uncompressedSize <= SMALL_ENTRY_BYTES) {
        const data = await readSmall(zip, entry)
        writes.start(async () => {
          await writeFile(path, data, { flag: 'wx' }).catch((err: unknown) => {
            throw local(err)
          })
          await setModified(path, entry)
        })
        await writes.within(WRITES_IN_FLIGHT - 1)
      } else {
        await writes.within(0)
        await pipeline(await openLarge(zip, entry), new DiskFile(path, 'the unpacked result', dir), { signal })
        await setModified(path, entry)
      }
      files++
      bytes += entry.uncompressedSize
    }
    await writes.within(0)
    return { files, bytes }
  } finally {
    // Nothing may still write into the folder once the caller removes it.
    await writes.settled()
  }
}

/**
 * Refuses, before anything is written, a zip whose files declare more bytes than the filesystem of
 * `root` has free for this user. Where the free space cannot be read, the writes find out.
 */
async function checkRoom(root: string, dir: string, declared: number): Promise<void> {
  let free: number
  try {
    const { bavail, bsize } = await statfs(root)
    free = bavail * bsize
  } catch {
    return
  }
  if (declared > free) {
    throw new ActionError(
      `extract: the zip declares ${formatBytes(declared)}, and only ${formatBytes(free)} is free in ` +
        `${dirname(dir)}; nothing was unpacked`
    )
  }
}

async function unpack(
  file: string,
  root: string,
  dir: string,
  options: ExtractOptions
): Promise<{ files: number; bytes: number; dropped: string[] }> {
  const outOfTime = options.deadline.signal()
  const signal = options.signal ? AbortSignal.any([options.signal, outOfTime]) : outOfTime
  let zip: ZipFile | undefined
  let current: string | undefined
  try {
    zip = await openZip(file)
    const { links, bytes } = await checkZip(zip, signal)
    zip.close()
    await checkRoom(root, dir, bytes)
    // The entries are read a second time rather than kept: memory stays small however many there are.
    zip = await openZip(file)
    const written = await writeEntries(zip, root, dir, signal, (entry) => (current = entry.name))
    return { ...written, dropped: links }
  } catch (err) {
    if (options.signal?.aborted) throw new CancelledError()
    if (outOfTime.aborted) throw new DeadlineError('timed out while unpacking the result file (timeout)')
    if (err instanceof ActionError) throw err
    throw damaged(err instanceof Error ? err.message : String(err), current)
  } finally {
    zip?.close()
  }
}
